#include "WebKeepalive.h"

#include <algorithm>
#include <cstdio>
#include <random>

namespace rtmtap {

WebKeepaliveTimings WebKeepaliveTimings::scaled(double factor) const {
    auto scale = [factor](int64_t us) { return static_cast<int64_t>(static_cast<double>(us) / factor); };
    return {scale(wsPingEveryUs), scale(pongWithinUs), scale(systemPingEveryUs), scale(systemPingWithinUs),
            scale(reconnectDelayUs)};
}

WebKeepalive::WebKeepalive(const Clock& clock, WebKeepaliveTimings timings, bool systemPing, TokenSource tokens)
    : clock_(clock), timings_(timings), systemPing_(systemPing), tokens_(std::move(tokens)) {}

std::string WebKeepalive::randomToken() {
    std::random_device random;
    std::uniform_int_distribution<unsigned> digit(0, 15);
    std::string out;
    for (int i = 0; i < 16; ++i) {
        out += "0123456789abcdef"[digit(random)];
    }
    return out;
}

void WebKeepalive::connected() {
    std::lock_guard lock(mutex_);
    const int64_t now = clock_.monotonicUs();
    state_ = State::Open;
    // As the web client's setInterval: the first of each one interval after the socket opened.
    nextWsPingUs_ = now + timings_.wsPingEveryUs;
    nextSystemPingUs_ = now + timings_.systemPingEveryUs;
    wsPingSentUs_.reset();
    systemPingSentUs_.reset();
    awaitedToken_.clear();
}

void WebKeepalive::connectFailed(std::optional<int64_t> retryAfterUs) {
    std::lock_guard lock(mutex_);
    wait(clock_.monotonicUs() + retryAfterUs.value_or(timings_.reconnectDelayUs));
}

void WebKeepalive::serverEnded() {
    std::lock_guard lock(mutex_);
    if (state_ != State::Open) {
        return;  // we closed it ourselves (Reconnect), or it never opened
    }
    ++reconnects_;
    wait(clock_.monotonicUs() + timings_.reconnectDelayUs);
}

void WebKeepalive::wait(int64_t untilUs) {
    state_ = State::Waiting;
    connectAtUs_ = untilUs;
    wsPingSentUs_.reset();
    systemPingSentUs_.reset();
    awaitedToken_.clear();  // a late event for it must not count on the next socket
}

WebKeepalive::Step WebKeepalive::reconnect(int64_t now, const std::string& reason) {
    ++reconnects_;
    wait(now + timings_.reconnectDelayUs);
    return {Action::Reconnect, "", reason};
}

WebKeepalive::Step WebKeepalive::poll() {
    std::lock_guard lock(mutex_);
    const int64_t now = clock_.monotonicUs();
    if (state_ == State::Waiting && now >= connectAtUs_) {
        state_ = State::Connecting;
        return {Action::Connect, "", ""};
    }
    if (state_ != State::Open) {
        return {};
    }
    if (wsPingSentUs_ && now >= *wsPingSentUs_ + timings_.pongWithinUs) {
        return reconnect(now, "no pong within " + seconds(timings_.pongWithinUs));
    }
    if (systemPingSentUs_ && now >= *systemPingSentUs_ + timings_.systemPingWithinUs) {
        return reconnect(now, "no system.ping event within " + seconds(timings_.systemPingWithinUs));
    }
    if (now >= nextWsPingUs_) {
        // After a stall (a slow system.ping call) the next one is an interval from now, not a burst.
        nextWsPingUs_ = std::max(nextWsPingUs_ + timings_.wsPingEveryUs, now + 1);
        if (!wsPingSentUs_) {
            wsPingSentUs_ = now;
        }
        return {Action::WsPing, "", ""};
    }
    if (systemPing_ && now >= nextSystemPingUs_) {
        nextSystemPingUs_ = std::max(nextSystemPingUs_ + timings_.systemPingEveryUs, now + 1);
        awaitedToken_ = tokens_();
        systemPingSentUs_ = now;
        return {Action::SystemPing, awaitedToken_, ""};
    }
    return {};
}

void WebKeepalive::onPong() {
    std::lock_guard lock(mutex_);
    const int64_t now = clock_.monotonicUs();
    if (state_ != State::Open || !wsPingSentUs_ || now >= *wsPingSentUs_ + timings_.pongWithinUs) {
        return;
    }
    lastLatencyMs_ = (now - *wsPingSentUs_) / 1000;
    wsPingSentUs_.reset();
    ++wsAnswered_;
}

void WebKeepalive::onSystemPingEvent(const std::string& pingToken) {
    std::lock_guard lock(mutex_);
    const int64_t now = clock_.monotonicUs();
    if (state_ != State::Open || !systemPingSentUs_ || pingToken != awaitedToken_ ||
        now >= *systemPingSentUs_ + timings_.systemPingWithinUs) {
        return;
    }
    systemPingSentUs_.reset();
    awaitedToken_.clear();
    ++systemAnswered_;
}

// "5 s", "0.25 s": the deadline as it was, scaled or not, for the reconnect line.
std::string WebKeepalive::seconds(int64_t us) const {
    char text[32];
    std::snprintf(text, sizeof text, "%g s", static_cast<double>(us) / 1e6);
    return text;
}

int64_t WebKeepalive::lastLatencyMs() const {
    std::lock_guard lock(mutex_);
    return lastLatencyMs_;
}

uint64_t WebKeepalive::reconnects() const {
    std::lock_guard lock(mutex_);
    return reconnects_;
}

uint64_t WebKeepalive::wsPingsAnswered() const {
    std::lock_guard lock(mutex_);
    return wsAnswered_;
}

uint64_t WebKeepalive::systemPingsAnswered() const {
    std::lock_guard lock(mutex_);
    return systemAnswered_;
}

}  // namespace rtmtap
