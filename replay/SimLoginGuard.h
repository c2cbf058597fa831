#pragma once
// user.login's lockout, as the real AuthManager does it: the first failures of an account are
// free; from the third on, each failure blocks the account for 10 s, then 20 s, 40 s... and a
// blocked account is refused (401) even with the right password until the time has passed. A
// success clears the count; an account's history is forgotten an hour after its last failure.
// Time comes from the caller (the world's clock), so tests can use a FakeClock.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace rtmtap {

class SimLoginGuard {
public:
    static constexpr int kFreeAttempts = 3;
    static constexpr int64_t kBaseSeconds = 10;
    static constexpr int64_t kForgetSeconds = 3600;
    static constexpr size_t kForgetAbove = 1000;  // accounts kept before old ones are swept

    // Seconds the account is still blocked for; 0: it may try.
    int64_t blockedFor(const std::string& account, int64_t now);
    void failed(const std::string& account, int64_t now);
    void succeeded(const std::string& account);

    // "Your access is blocked. Try again in 20 seconds." (the real API's message).
    static std::string blockedMessage(int64_t seconds);

private:
    struct Attempts {
        int count = 0;
        int64_t blockedUntil = 0;
        int64_t lastFailure = 0;
    };
    void forgetOld(int64_t now);

    std::mutex mutex_;
    std::map<std::string, Attempts> accounts_;
};

}  // namespace rtmtap
