#pragma once
// Who records into a database right now. A recorder hands out session ids from a counter it
// keeps in memory (the relay needs one at once, before anything is written), so a second writer
// that allocates ids, another proxy or an import, would take the same ones and the recorder's
// session rows would overwrite its rows. The recorder marks the file as its own in meta.recording
// ("pid start-time", so a pid reused after a crash is not mistaken for it); the others refuse a
// file whose mark names a live process, with one line saying so.
#include <string>

namespace rtmtap {

class Database;

class RecorderClaim {
public:
    // Marks db as recorded by this process. Throws DatabaseError when another live process
    // records into it.
    static void claim(Database& db);
    // Removes this process's mark (nothing when the mark is someone else's).
    static void release(Database& db) noexcept;
    // Throws DatabaseError when a live process (this one included) records into db.
    static void checkNotRecording(Database& db);

    // "pid start-time" of this process.
    static std::string ownMark();
    // Whether the process a mark names is still the one that wrote it.
    static bool isAlive(const std::string& mark);
};

}  // namespace rtmtap
