#include "ProcessLimits.h"

#include <dirent.h>
#include <sys/resource.h>

#include <cstdlib>

namespace rtmtap::test {
namespace {

// Numeric entries of a /proc directory; for /proc/self/fd without the one this listing opens.
size_t countEntries(const char* path, bool descriptors, int* highest = nullptr) {
    DIR* dir = ::opendir(path);
    if (!dir) {
        return 0;
    }
    const int own = descriptors ? ::dirfd(dir) : -1;
    size_t n = 0;
    while (dirent* e = ::readdir(dir)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        const int number = std::atoi(e->d_name);
        if (number == own) {
            continue;
        }
        if (highest && number > *highest) {
            *highest = number;
        }
        ++n;
    }
    ::closedir(dir);
    return n;
}

}  // namespace

size_t threadCount() {
    return countEntries("/proc/self/task", false);
}

size_t openDescriptors() {
    return countEntries("/proc/self/fd", true);
}

int highestDescriptor() {
    int highest = -1;
    countEntries("/proc/self/fd", true, &highest);
    return highest;
}

bool raiseFileLimit(size_t want, std::string& why) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur >= want) {
        return true;
    }
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < want) {
        why = "the open-file hard limit is " + std::to_string(limit.rlim_max) + ", this test needs " +
              std::to_string(want) + " (ulimit -Hn)";
        return false;
    }
    limit.rlim_cur = want;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        why = "cannot raise the open-file limit to " + std::to_string(want);
        return false;
    }
    return true;
}

FileLimitScope::FileLimitScope(size_t soft) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    old_ = limit.rlim_cur;
    limit.rlim_cur = soft;
    active_ = ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
}

FileLimitScope::~FileLimitScope() {
    restore();
}

void FileLimitScope::restore() {
    if (!active_) {
        return;
    }
    active_ = false;
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = old_;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace rtmtap::test
