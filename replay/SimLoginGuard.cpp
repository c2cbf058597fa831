#include "SimLoginGuard.h"

#include <algorithm>

namespace rtmtap {

int64_t SimLoginGuard::blockedFor(const std::string& account, int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = accounts_.find(account);
    return it == accounts_.end() ? 0 : std::max<int64_t>(0, it->second.blockedUntil - now);
}

void SimLoginGuard::failed(const std::string& account, int64_t now) {
    std::lock_guard lock(mutex_);
    forgetOld(now);
    Attempts& a = accounts_[account];
    // The real formula: blocked for 2^(failures before this one - 2) * 10 s, the fraction cut
    // off, so the first two failures block for 0 s. The exponent is capped: no overflow.
    const int exponent = std::min(a.count - (kFreeAttempts - 1), 20);
    a.blockedUntil = exponent < 0 ? now : now + (int64_t{1} << exponent) * kBaseSeconds;
    a.lastFailure = now;
    ++a.count;
}

void SimLoginGuard::succeeded(const std::string& account) {
    std::lock_guard lock(mutex_);
    accounts_.erase(account);
}

std::string SimLoginGuard::blockedMessage(int64_t seconds) {
    std::string wait;
    if (seconds >= 60) {
        const int64_t s = seconds % 60;
        wait = std::to_string(seconds / 60) + ":" + (s < 10 ? "0" : "") + std::to_string(s) + " minutes";
    } else {
        wait = std::to_string(seconds) + (seconds == 1 ? " second" : " seconds");
    }
    return "Your access is blocked. Try again in " + wait + ".";
}

// The caller holds mutex_. Bounds memory: anyone can fail logins for made-up accounts.
void SimLoginGuard::forgetOld(int64_t now) {
    if (accounts_.size() < kForgetAbove) {
        return;
    }
    for (auto it = accounts_.begin(); it != accounts_.end();) {
        it = now - it->second.lastFailure >= kForgetSeconds && it->second.blockedUntil <= now ? accounts_.erase(it)
                                                                                             : std::next(it);
    }
}

}  // namespace rtmtap
