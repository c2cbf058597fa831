#pragma once
// What this test process holds: threads, descriptors, and its open-file limit, for tests that
// open thousands of sockets or run out of descriptors on purpose.
#include <cstddef>
#include <string>

namespace rtmtap::test {

size_t threadCount();      // entries of /proc/self/task
size_t openDescriptors();  // entries of /proc/self/fd
int highestDescriptor();   // the highest open descriptor number

// Raises the soft RLIMIT_NOFILE to at least want (up to the hard limit). False, with why, when
// the hard limit is lower: the caller skips.
bool raiseFileLimit(size_t want, std::string& why);

// Sets the soft RLIMIT_NOFILE for the scope, and puts the old one back at its end.
class FileLimitScope {
public:
    explicit FileLimitScope(size_t soft);
    ~FileLimitScope();
    FileLimitScope(const FileLimitScope&) = delete;
    FileLimitScope& operator=(const FileLimitScope&) = delete;
    void restore();

private:
    size_t old_ = 0;
    bool active_ = false;
};

}  // namespace rtmtap::test
