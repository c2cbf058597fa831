#pragma once
// The keepalive of AirSend's real web client (protocol-notes.md, "The real web client") as a
// state machine on a Clock, without I/O: the caller polls it, does what it asks (send ws_ping,
// POST system.ping, close with 3000, connect) and tells it what arrived (pong, system.ping event)
// and how connecting went. Thread-safe: the answers come in on a reader thread.
#include "protocol/Clock.h"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace rtmtap {

struct WebKeepaliveTimings {
    int64_t wsPingEveryUs = 10'000'000;
    int64_t pongWithinUs = 5'000'000;
    int64_t systemPingEveryUs = 60'000'000;
    int64_t systemPingWithinUs = 30'000'000;
    int64_t reconnectDelayUs = 10'000'000;  // from closing the old socket to rtm.connect
    // Every interval and deadline divided by factor (> 0), so a test runs minutes in seconds.
    WebKeepaliveTimings scaled(double factor) const;
};

class WebKeepalive {
public:
    enum class Action {
        None,
        WsPing,      // send {"command":"ws_ping"}
        SystemPing,  // POST system.ping with Step::pingToken and lastLatencyMs()
        Reconnect,   // close the socket with 3000 (Step::reason says why), then wait for Connect
        Connect,     // rtm.connect and open a new socket, then connected() or connectFailed()
    };
    struct Step {
        Action action = Action::None;
        std::string pingToken;  // SystemPing
        std::string reason;     // Reconnect: "no pong within 5 s", "no system.ping event within 30 s"
    };
    using TokenSource = std::function<std::string()>;

    // systemPing false: no system.ping at all (no bearer to send it with).
    WebKeepalive(const Clock& clock, WebKeepaliveTimings timings, bool systemPing, TokenSource tokens = randomToken);

    // The socket is open (ws_auth sent): the intervals start from now.
    void connected();
    // Connecting failed: the next Connect after retryAfterUs, or after the reconnect delay.
    void connectFailed(std::optional<int64_t> retryAfterUs = std::nullopt);
    // The server ended the socket: Connect after the reconnect delay, counted as a reconnect.
    void serverEnded();

    // What is due now; call until it returns None. Each Step is returned once.
    Step poll();

    // A pong event: counts when a ws_ping waits for one and its deadline has not passed.
    void onPong();
    // A system.ping event: counts when it carries the awaited token before its deadline.
    void onSystemPingEvent(const std::string& pingToken);

    // The last ws_ping -> pong round trip, ms (0 before the first): system.ping's last_latency.
    int64_t lastLatencyMs() const;
    uint64_t reconnects() const;
    uint64_t wsPingsAnswered() const;
    uint64_t systemPingsAnswered() const;

    // 16 random hex digits from std::random_device.
    static std::string randomToken();

private:
    enum class State { Idle, Open, Waiting, Connecting };
    Step reconnect(int64_t now, const std::string& reason);
    void wait(int64_t untilUs);
    std::string seconds(int64_t us) const;

    const Clock& clock_;
    const WebKeepaliveTimings timings_;
    const bool systemPing_;
    TokenSource tokens_;

    mutable std::mutex mutex_;
    State state_ = State::Idle;
    int64_t nextWsPingUs_ = 0, nextSystemPingUs_ = 0, connectAtUs_ = 0;
    std::optional<int64_t> wsPingSentUs_;       // waiting for its pong
    std::optional<int64_t> systemPingSentUs_;   // waiting for its event
    std::string awaitedToken_;
    int64_t lastLatencyMs_ = 0;
    uint64_t reconnects_ = 0, wsAnswered_ = 0, systemAnswered_ = 0;
};

}  // namespace rtmtap
