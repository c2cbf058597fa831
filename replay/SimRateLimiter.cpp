#include "SimRateLimiter.h"

namespace rtmtap {

SimRateLimiter::Hit SimRateLimiter::hit(const std::string& key, int64_t now) {
    std::lock_guard lock(mutex_);
    if (windows_.size() >= kSweepAbove) {
        for (auto it = windows_.begin(); it != windows_.end();) {
            it = it->second.expiresAt <= now ? windows_.erase(it) : std::next(it);
        }
    }
    Window& w = windows_[key];
    if (w.expiresAt <= now) {
        w = {0, now + window_};  // the window has passed (or this is the first hit): a new one
    }
    ++w.hits;
    Hit h;
    h.hits = w.hits;
    h.maxHits = maxHits_;
    h.resetAt = w.expiresAt;
    h.retryAfter = w.expiresAt - now;
    h.limited = w.hits > maxHits_;
    return h;
}

}  // namespace rtmtap
