#pragma once
// Writes whole sessions from a file (rtmtap import: the file readers write into it as their
// SessionSink) into the database: new session ids (max(id)+1 upward), frames numbered 1..N,
// every row classified, interned and redacted exactly as the recorder does (it writes through
// store/FrameWriter). Everything one import writes is one transaction: commit() makes it all
// visible, anything else (an error, rollback(), destruction before commit) leaves the database
// as it was.
#include "FrameWriter.h"
#include "SessionSink.h"
#include "protocol/Message.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

class SessionImporter : public SessionSink {
public:
    // Opens (creating with mode 0600) and migrates the database, then begins the transaction.
    // Throws DatabaseError.
    explicit SessionImporter(const std::string& dbPath, bool keepSecrets = false);
    ~SessionImporter() override;  // rolls back unless committed

    // Starts the next session; the frames added after belong to it. Returns its new id. Its
    // replay_of and derived_from are kept only when this database holds those sessions.
    int64_t beginSession(const ImportedSession& session) override;
    // A frame of the current session: session and seq are set here (seq counts from 1); t_us,
    // wall_us, dir, op, flags, size, fwd_us and payload are kept as given.
    void addFrame(Message&& frame) override;
    // An API call of the current session's login: stored in api_calls, linked to the session
    // (FrameWriter::writeImportedApiCall).
    void addApiCall(RecordedApiCall&& call) override;

    // Makes the whole import visible at once. Returns the new session ids in order. The
    // full-text index is not extended here (it costs more than the import itself): see
    // TextIndex::catchUp.
    std::vector<int64_t> commit();
    void rollback() noexcept;

    int64_t framesAdded() const { return framesAdded_; }

private:
    FrameWriter writer_;
    int64_t nextId_ = 0;
    int64_t current_ = 0;
    int64_t seq_ = 0;
    int64_t framesAdded_ = 0;
    bool open_ = false;
    std::vector<int64_t> ids_;
};

}  // namespace rtmtap
