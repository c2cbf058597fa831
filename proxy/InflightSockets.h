#pragma once
// Descriptors of handshakes in progress, so that stopping the proxy can abort them at once
// instead of waiting out their timeouts.
#include <mutex>
#include <set>

namespace rtmtap {

class InflightSockets {
public:
    // Returns false when the proxy is stopping: the caller must give up.
    bool add(int fd);
    void remove(int fd);
    void abortAll();  // shutdown() every registered socket and refuse new ones

private:
    std::mutex mutex_;
    std::set<int> fds_;
    bool stopping_ = false;
};

class InflightGuard {
public:
    InflightGuard(InflightSockets& set, int fd) : set_(set), fd_(fd), ok_(set.add(fd)) {}
    ~InflightGuard() { set_.remove(fd_); }
    bool ok() const { return ok_; }

private:
    InflightSockets& set_;
    int fd_;
    bool ok_;
};

}  // namespace rtmtap
