#include "UpgradePool.h"

#include <pthread.h>

#include <system_error>

namespace rtmtap {

UpgradePool::UpgradePool(size_t maxThreads) : maxThreads_(maxThreads < 1 ? 1 : maxThreads) {}

UpgradePool::~UpgradePool() {
    join();
}

void UpgradePool::post(std::function<void()> job) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (joining_) {
        lock.unlock();
        job();
        return;
    }
    jobs_.push_back(std::move(job));
    if (jobs_.size() > idle_ && threads_.size() < maxThreads_) {
        try {
            threads_.emplace_back([this] {
                pthread_setname_np(pthread_self(), "rtmtap-upgrade");
                work();
            });
            return;
        } catch (const std::system_error&) {
            // No thread to be had: the job waits for a running one; with none, it runs here.
            if (threads_.empty()) {
                job = std::move(jobs_.back());
                jobs_.pop_back();
                lock.unlock();
                job();
                return;
            }
        }
    }
    ready_.notify_one();
}

void UpgradePool::work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        ++idle_;
        ready_.wait(lock, [this] { return !jobs_.empty() || joining_; });
        --idle_;
        if (jobs_.empty()) {
            return;  // joining, and nothing left to do
        }
        std::function<void()> job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        lock.lock();
    }
}

void UpgradePool::join() {
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        joining_ = true;
        threads.swap(threads_);
    }
    ready_.notify_all();
    for (std::thread& t : threads) {
        t.join();
    }
}

size_t UpgradePool::threads() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return threads_.size();
}

}  // namespace rtmtap
