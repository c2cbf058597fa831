#pragma once
// The threads that run the upstream half of upgrades (proxy/Handshake: connect, TLS, pass the
// request on, wait for the answer), blocking with their timeouts. Only a client whose request
// head is complete and valid gets here, so a thread is held only as long as the upstream takes
// to answer. At most maxThreads run, started as work comes and kept until join(); jobs beyond
// them wait in a queue, in order.
// Poco::ThreadPool has no queue (it throws when every thread is busy); this is a queue in front
// of a fixed set of std::threads.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rtmtap {

class UpgradePool {
public:
    explicit UpgradePool(size_t maxThreads);
    ~UpgradePool();  // join()
    UpgradePool(const UpgradePool&) = delete;
    UpgradePool& operator=(const UpgradePool&) = delete;

    // Thread-safe: runs job on a pool thread, now or when one is free. A job must not throw.
    void post(std::function<void()> job);
    // Runs what is queued, then ends the threads. Later posts run on the caller's thread.
    void join();
    size_t threads() const;

private:
    void work();

    const size_t maxThreads_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::function<void()>> jobs_;
    std::vector<std::thread> threads_;
    size_t idle_ = 0;
    bool joining_ = false;
};

}  // namespace rtmtap
