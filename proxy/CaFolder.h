#pragma once
// The folder that holds rtmtap's CA: checks that nobody else can write it or read the key, reads
// its files (never following a symbolic link) and writes new ones exclusively, with their final
// mode from the start. Every problem is a CaError with one line that says what to run.
#include <string>
#include <sys/types.h>

namespace rtmtap {

class CaFolder {
public:
    explicit CaFolder(std::string dir);

    std::string path(const std::string& name) const { return dir_ + "/" + name; }
    // False when the folder does not exist. Throws CaError when it is not a folder, belongs to
    // another user or can be written by group or others.
    bool checkSafe() const;
    // Makes the folder (0700; its parents as mkdir -p does) unless it exists.
    void make() const;
    bool exists(const std::string& name) const;
    // The file's bytes. secret: the file must be the user's and readable by nobody else.
    std::string read(const std::string& name, bool secret) const;
    // Creates name with mode (fails when it exists) and writes bytes to it, synced to disk.
    void writeNew(const std::string& name, const std::string& bytes, mode_t mode) const;
    void remove(const std::string& name) const;

private:
    std::string dir_;
};

}  // namespace rtmtap
