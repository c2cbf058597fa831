#include "ShipThread.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace rtmtap::pg {

using Clock = std::chrono::steady_clock;

struct ShipThread::State {
    State(ShipperOptions options, Shipper::Log log) : shipper(std::move(options), log), log(std::move(log)) {}

    // The pause the shipper waits with: true once it is time to end. Before stop(): a stop
    // request ends it; after: the final pass's deadline does.
    bool pause(int ms) {
        std::unique_lock<std::mutex> lock(mutex);
        if (finalPass) {
            lock.unlock();
            std::this_thread::sleep_until(std::min(Clock::now() + std::chrono::milliseconds(ms), deadline));
            return Clock::now() >= deadline;
        }
        return wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping; });
    }

    void run() {
        try {
            shipper.follow([this](int ms) { return pause(ms); });
            bool last = false;
            {
                std::lock_guard<std::mutex> lock(mutex);
                finalPass = last = Clock::now() < deadline;
            }
            if (last) {
                shipper.shipAll([this](int ms) { return pause(ms); });
            }
        } catch (const std::exception& e) {
            // A local failure, or the final pass's time ran out: the proxy goes on (or ends);
            // `rtmtap ship` sends what is left.
            log(std::string("rtmtap ship: ") + e.what() + "; what is left ships with the next `rtmtap ship`");
        }
        std::lock_guard<std::mutex> lock(mutex);
        totals = shipper.totals();
        ended = true;
        wake.notify_all();
    }

    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    bool finalPass = false;
    bool ended = false;
    Clock::time_point deadline = Clock::time_point::max();
    Shipper shipper;
    Shipper::Log log;
    ShipTotals totals;
};

ShipThread::ShipThread(ShipperOptions options, Shipper::Log log)
    : state_(std::make_shared<State>(std::move(options), std::move(log))) {
    std::thread([state = state_] { state->run(); }).detach();
}

ShipThread::~ShipThread() {
    stop(0);
}

void ShipThread::stop(int finalMs) {
    std::unique_lock<std::mutex> lock(state_->mutex);
    if (state_->stopping) {
        return;
    }
    state_->stopping = true;
    state_->deadline = Clock::now() + std::chrono::milliseconds(std::max(finalMs, 0));
    state_->wake.notify_all();
    // The thread's pauses end at the deadline; a batch in flight gets a few seconds more to
    // commit or fail.
    const auto waitUntil = state_->deadline + std::chrono::seconds(3);
    if (!state_->wake.wait_until(lock, waitUntil, [this] { return state_->ended; })) {
        state_->log("rtmtap ship: the server did not answer in time; what is left ships with the next `rtmtap ship`");
    }
}

ShipTotals ShipThread::totals() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->totals;
}

}  // namespace rtmtap::pg
