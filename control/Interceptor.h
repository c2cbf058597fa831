#pragma once
// The breakpoint `rtmtap intercept` sets (issue 10): a filter attached to the running proxy that
// holds each frame its match picks, under a token only its controller (control/InterceptConnection)
// can end early, and tells the controller of it. onMessage runs on the loop threads: it only
// registers and queues, the connection's threads do the rest (announce, decide, release).
//
// A closed interceptor holds nothing more: close() under the same lock as the registry hands
// back every frame it holds, so a frame held in a loop thread while the controller goes away is
// either released by the caller of close() or never held at all.
#include "protocol/Message.h"
#include "proxy/Filter.h"
#include "rules/FrameMatcher.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace rtmtap {

class Interceptor : public Filter {
public:
    using Clock = std::chrono::steady_clock;

    // A frame held for the controller. message: as it arrived (seq 0, session set).
    struct Held {
        uint64_t id = 0;  // 1, 2, ... for this controller, in the order frames were held
        uint64_t token = 0;
        Message message;
        Clock::time_point deadline;  // when it goes on unchanged by itself
    };

    // What the connection has to do: announce frames held since the last call, and tell of
    // frames whose hold time passed (taken out: the caller releases them unchanged).
    struct Work {
        std::vector<Held> held;
        std::vector<Held> expired;
        bool closed = false;
    };

    // Throws std::invalid_argument for a glob that is not one. holdMs > 0.
    Interceptor(FrameFilter match, int holdMs);

    FilterResult onMessage(FilterContext& context, const Message& message) override;

    // Waits until there is work, close() was called, or until passes (then returns what there is).
    Work wait(Clock::time_point until);
    // The opcode of frame id while it is held.
    std::optional<Opcode> opOf(uint64_t id);
    // A decision on frame id: takes it out of the registry; nullopt when it is not held any more.
    std::optional<Held> take(uint64_t id);
    // Takes out, from the frames still held, those whose session is gone (alive says which are not).
    std::vector<Held> takeEnded(const std::function<bool(int64_t session)>& alive);
    // Holds nothing more from now on and returns every frame still held, to be released.
    std::vector<Held> close();

    int holdMs() const { return holdMs_; }

private:
    FrameMatcher matcher_;
    int holdMs_;

    std::mutex mutex_;
    std::condition_variable changed_;
    bool closed_ = false;
    uint64_t lastId_ = 0;
    std::map<uint64_t, Held> registry_;  // by id: arrival order, so by deadline too
    std::vector<uint64_t> news_;        // held, not yet announced
};

}  // namespace rtmtap
