#pragma once
// The real API's RateLimitMiddleware: a fixed window per key (method, path and client IP). The
// first hit opens a window of `windowSeconds`; a hit past `maxHits` inside it is refused (429,
// header RetryAfter: the seconds left). Time comes from the caller (the world's clock).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace rtmtap {

class SimRateLimiter {
public:
    struct Hit {
        bool limited = false;
        int64_t hits = 0;
        int64_t maxHits = 0;
        int64_t resetAt = 0;     // unix seconds
        int64_t retryAfter = 0;  // seconds until resetAt
    };

    SimRateLimiter(int64_t maxHits = 60, int64_t windowSeconds = 60) : maxHits_(maxHits), window_(windowSeconds) {}

    Hit hit(const std::string& key, int64_t now);

private:
    struct Window {
        int64_t hits = 0;
        int64_t expiresAt = 0;
    };
    static constexpr size_t kSweepAbove = 1000;  // keys kept before expired ones are swept

    int64_t maxHits_;
    int64_t window_;
    std::mutex mutex_;
    std::map<std::string, Window> windows_;
};

}  // namespace rtmtap
