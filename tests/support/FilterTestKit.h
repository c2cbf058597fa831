#pragma once
// Tests of the filter seam: a filter whose answers are a function of the message (the test's
// rule), the ProxyHarness option that installs such filters on every session, and what such
// tests look for in the records.
#include "protocol/Message.h"
#include "proxy/FilterChain.h"
#include "proxy/Proxy.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap::test {

class ScriptedFilter : public Filter {
public:
    using Rule = std::function<FilterResult(const FilterContext&, const Message&)>;
    explicit ScriptedFilter(Rule rule) : rule_(std::move(rule)) {}
    FilterResult onMessage(FilterContext& context, const Message& message) override { return rule_(context, message); }

private:
    Rule rule_;
};

inline std::function<void(ProxyConfig&)> withFilters(std::vector<ScriptedFilter::Rule> rules) {
    return [rules](ProxyConfig& config) {
        config.filters = [rules](const SessionInfo&) {
            FilterChain chain;
            for (const auto& rule : rules) {
                chain.add(std::make_unique<ScriptedFilter>(rule));
            }
            return chain;
        };
    };
}

inline Message textMessage(const std::string& text) {
    Message m;
    m.op = Opcode::Text;
    m.payload = text;
    return m;
}

inline bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// The flags the relay set: the store adds malformed to these plain-text test payloads.
inline int64_t relayFlags(const FrameRecord& f) {
    return f.flags & ~int64_t(MessageFlag::Malformed);
}

inline void closeAndWait(TestClient& client, ProxyHarness& harness) {
    client.sendClose(1000, "");
    Received r = client.receiveOpcode(kOpClose);
    EXPECT_TRUE(r.isFrame()) << toString(r);
    EXPECT_TRUE(harness.waitForEnds(1));
}

inline std::vector<std::string> payloads(const std::vector<WsFrame>& frames) {
    std::vector<std::string> out;
    for (const WsFrame& f : frames) {
        if (f.opcode() == kOpText) {
            out.push_back(f.payload);
        }
    }
    return out;
}

inline const FrameRecord* findFrame(const std::vector<FrameRecord>& rows, const std::string& payload) {
    for (const FrameRecord& r : rows) {
        if (r.payload == payload) {
            return &r;
        }
    }
    return nullptr;
}

// The session reaches its relay loop just after the client got its 101: wait (bounded) until
// the proxy holds it, so an injection does not race the hand-over.
inline bool waitLive(ProxyHarness& harness) {
    for (int i = 0; i < 500 && harness.proxy().stats().sessionsActive == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return harness.proxy().stats().sessionsActive > 0;
}

}  // namespace rtmtap::test
