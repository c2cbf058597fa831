#pragma once
// Answers the control socket's requests by driving the proxy through its public API. Each
// request is one JSON object on a line, each answer one object on a line:
//
//   {"cmd":"sessions"}
//     -> {"ok":true,"sessions":[LiveSession JSON, ...]}
//   {"cmd":"inject","session":N | "user":"U", "dir":"c2s"|"s2c", "op":"text"|"binary"|"ping"|"pong",
//    "payload":"TEXT" | "payload_base64":"B64"}
//     -> {"ok":true,"injected":[ids that took it],"missed":[ids that ended before they could]}
//   {"cmd":"intercept","match":{the query filters, as a rule's match},"hold_timeout_ms":60000}
//     -> {"ok":true,"hold_timeout_ms":N}, then the connection intercepts: see
//        control/InterceptConnection.h for its events and its requests decide and forward_all
//   anything else -> {"ok":false,"code":"bad_request"|"unknown_command"|"not_live"|...,"error":"one line"}
//
// A request may carry "id" (a number or a string); its answer repeats it. Answers carry "ok"; lines a
// server sends of itself (an intercepting connection's held frames) carry "event" instead, so a
// client tells them apart. Requests are untrusted: whatever the line holds, the answer is one
// object and nothing throws.
#include "protocol/Message.h"
#include "store/FrameFilter.h"

#include <cstdint>
#include <optional>
#include <string>

namespace Poco::JSON {
class Object;
}

namespace rtmtap {

class LiveSessions;
class Proxy;

// An intercept request, read: which frames to hold, and for how long at most.
struct InterceptRequest {
    FrameFilter match;
    int holdMs = 60000;
};

class ControlHandler {
public:
    ControlHandler(Proxy& proxy, LiveSessions& live) : proxy_(proxy), live_(live) {}

    // intercept: where an intercept request goes when the connection can switch to intercepting
    // (its answer is then the ok to send first); nullptr refuses it (already intercepting).
    std::string answer(const std::string& line, std::optional<InterceptRequest>* intercept = nullptr);

    Proxy& proxy() { return proxy_; }
    LiveSessions& live() { return live_; }

    // The one-line error answer, for framing errors the handler never sees (a line too long).
    static std::string error(const std::string& code, const std::string& message, const std::string& idJson = "");

private:
    std::string sessionsJson() const;
    std::string inject(const Poco::JSON::Object& request);  // the answer's fields after "ok"
    static InterceptRequest interceptRequest(const Poco::JSON::Object& request);
    std::string notLive(int64_t session) const;
    bool injectInto(int64_t session, Direction dir, Opcode op, const std::string& payload);

    Proxy& proxy_;
    LiveSessions& live_;
};

}  // namespace rtmtap
