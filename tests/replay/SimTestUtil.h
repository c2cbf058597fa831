#pragma once
// Helpers for the simulator tests: a running Simulator on loopback port 0, tokens, and clients
// that read until a given event. "Did not receive" is checked with a ws_ping barrier, never a
// timeout: the server writes a command's events before it reads the sender's next frame.
#include "protocol/Catalogue.h"
#include "replay/Simulator.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace rtmtap::test {

inline SimulatorConfig simConfig(SimFlavor flavor = SimFlavor::Doc, int pingMs = 25000) {
    SimulatorConfig c;
    c.wsPort = 0;
    c.apiPort = 0;
    c.seed = 7;
    c.chatterPerMinute = 0;  // tests drive the world themselves
    c.pingIntervalMs = pingMs;
    c.flavor = flavor;
    return c;
}

inline int64_t userId(int n) {
    return SimWorld::kFirstUserId + n;
}

inline std::string tokenFor(Simulator& sim, int n, int64_t lifetime = 3600) {
    SimClaims c;
    c.userId = userId(n);
    c.userName = "user" + std::to_string(n);
    c.expiry = sim.world().nowUnix() + lifetime;
    c.fingerPrint = "abcdefghijkl";
    c.createdOn = sim.world().nowUnix();
    return sim.jwt().sign(c);
}

inline std::string eventOf(const WsFrame& frame) {
    auto obj = frame.opcode() == kOpText ? jsonObjectOf(frame.payload) : nullptr;
    return obj && obj->has("event") ? obj->getValue<std::string>("event") : "";
}

// A WebSocket client of the simulator; answers protocol pings while it reads.
class SimClient {
public:
    explicit SimClient(Simulator& sim) : client_(std::make_unique<TestClient>(sim.wsServer().port())) {}
    TestClient& raw() { return *client_; }
    bool open() const { return client_->open(); }
    void send(const std::string& text) { client_->sendText(text); }
    void auth(Simulator& sim, int n) {
        send(R"({"command":"ws_auth","auth_token":")" + tokenFor(sim, n) + "\"}");
    }
    // Text frames until `event` arrives (returned) or the stream ends (nullptr). Others land in seen.
    Poco::JSON::Object::Ptr waitFor(const std::string& event) {
        for (;;) {
            Received r = client_->receive(10000);
            if (!r.isFrame()) {
                ended_ = r.endedWithoutClose();
                return nullptr;
            }
            if (r.opcode() == kOpPing) {
                client_->sendPong(r.frame.payload);
                continue;
            }
            if (eventOf(r.frame) == event) {
                return jsonObjectOf(r.frame.payload);
            }
            seen.push_back(eventOf(r.frame));
        }
    }
    // Sends ws_ping and returns the events that arrived before the pong.
    std::vector<std::string> drain() {
        seen.clear();
        send(R"({"command":"ws_ping"})");
        EXPECT_NE(waitFor("pong"), nullptr) << "no pong";
        return seen;
    }
    // True when the server ends the connection without a close frame.
    bool droppedWithoutClose() {
        for (;;) {
            Received r = client_->receive(10000);
            if (r.isFrame() && r.opcode() != kOpClose) {
                continue;
            }
            return r.endedWithoutClose();
        }
    }
    bool ended() const { return ended_; }
    std::vector<std::string> seen;

private:
    std::unique_ptr<TestClient> client_;
    bool ended_ = false;
};

inline bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace rtmtap::test
