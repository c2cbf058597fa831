// The simulator's traffic through the payload rules: every event it produces, in both flavours,
// from its world and chatter (all recipients) and through its sockets as a client receives them
// (pong, system.ping, the answers to commands). The document's flavour gives nothing at warn or
// above; the real flavour only info (real traffic's events, the document's quirks it keeps).
#include "lint/LintEngine.h"
#include "lint/PayloadRules.h"
#include "protocol/Catalogue.h"
#include "protocol/JwtClaims.h"
#include "replay/AirSendApi.h"
#include "replay/RtmClient.h"
#include "replay/SimChatter.h"
#include "replay/Simulator.h"
#include "tests/support/CraftedSession.h"
#include "tests/support/Eventually.h"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <mutex>
#include <set>

namespace rtmtap {
namespace {

constexpr int64_t kUser1 = SimWorld::kFirstUserId + 1;
constexpr int64_t kGeneral = SimWorld::kFirstChannelId;
constexpr int kTicks = 1500;  // the tours, then enough random life for every real-only event

std::set<std::string> eventNames(const std::vector<std::string>& frames) {
    std::set<std::string> names;
    for (const std::string& frame : frames) {
        auto obj = Poco::JSON::Parser().parse(frame).extract<Poco::JSON::Object::Ptr>();
        names.insert(obj->getValue<std::string>("event"));
    }
    return names;
}

// Every frame the world sends anyone: a connected user, the chatter's tours and random life, the
// commands' answers, and the user going offline.
std::vector<std::string> worldFrames(SimFlavor flavor) {
    FakeClock clock;
    SimWorldConfig config;
    config.seed = 11;
    config.flavor = flavor;
    SimWorld world(config, clock);
    SimChatter chatter(11);
    std::vector<std::string> frames;
    auto keep = [&frames](const SimOutputs& outs) {
        for (const SimOutput& out : outs) {
            frames.push_back(out.frame);
        }
    };
    keep(world.connect(kUser1));
    for (int i = 0; i < kTicks; ++i) {
        keep(chatter.tick(world));
        clock.advance(2'000'000);
    }
    const auto recent = world.snapshot().recent;
    const auto inGeneral = std::find_if(recent.rbegin(), recent.rend(),
                                        [](const SimMessage& m) { return m.channelId == kGeneral; });
    const int64_t message = inGeneral == recent.rend() ? 0 : inGeneral->id;
    EXPECT_NE(message, 0);
    keep(world.typing(kUser1, kGeneral));
    keep(world.readMessage(kUser1, kGeneral, message));
    keep(world.readAll(kUser1, kGeneral));
    keep(world.react(kUser1, message, "U 1F600", true));
    keep(world.react(kUser1, message, "U 1F600", false));
    keep(world.disconnect(kUser1));
    return frames;
}

// The event names the world sends in a flavour: the document's, less chat.unreadCountUpdate
// and plus real traffic's in the real flavour; system.ping (the HTTP ping's) and calls are not
// the world's.
std::set<std::string> expectedEvents(SimFlavor flavor) {
    std::set<std::string> out;
    for (const CatalogueEntry& entry : catalogue()) {
        if (entry.dir != Direction::ServerToClient || entry.name == "pong" || entry.name == "system.ping" ||
            entry.name.rfind("call.", 0) == 0) {
            continue;
        }
        const bool doc = entry.flavour == Flavour::Both || entry.flavour == Flavour::DocumentOnly;
        const bool real = entry.flavour == Flavour::Both || entry.flavour == Flavour::RealOnly;
        if (flavor == SimFlavor::Doc ? doc : real) {
            out.insert(std::string(entry.name));
        }
    }
    return out;
}

std::vector<Finding> lintServerFrames(const std::vector<std::string>& frames) {
    test::CraftedSession session;
    for (const std::string& frame : frames) {
        session.server(frame);
    }
    LintEngine engine(payloadRules());
    return session.lint(engine);
}

std::vector<Finding> atLeast(const std::vector<Finding>& findings, Severity severity) {
    std::vector<Finding> out;
    for (const Finding& f : findings) {
        if (f.severity >= severity) {
            out.push_back(f);
        }
    }
    return out;
}

TEST(PayloadRulesSimulatorTest, EveryEventOfTheDocumentFlavourPassesAtWarn) {
    const auto frames = worldFrames(SimFlavor::Doc);
    EXPECT_EQ(eventNames(frames), expectedEvents(SimFlavor::Doc));
    auto findings = lintServerFrames(frames);
    EXPECT_TRUE(atLeast(findings, Severity::Warn).empty()) << test::describe(findings);
    // What is left: the document's own quirks, which the doc flavour keeps on purpose.
    for (const Finding& f : findings) {
        EXPECT_EQ(f.rule, "event-shape") << f.sentence;
        EXPECT_NE(f.sentence.find("the document's quirk"), std::string::npos) << f.sentence;
    }
}

TEST(PayloadRulesSimulatorTest, EveryEventOfTheRealFlavourGivesOnlyInfo) {
    const auto frames = worldFrames(SimFlavor::Real);
    const std::set<std::string> seen = eventNames(frames);
    EXPECT_EQ(seen, expectedEvents(SimFlavor::Real));
    auto findings = lintServerFrames(frames);
    EXPECT_TRUE(atLeast(findings, Severity::Warn).empty()) << test::describe(atLeast(findings, Severity::Warn));
    // Each of real traffic's events, once: unknown-event names it, info.
    const auto unknown = test::findingsOf(findings, "unknown-event");
    for (const std::string& name : seen) {
        const CatalogueEntry* entry = findCatalogueEntry(name, Direction::ServerToClient);
        const bool named = std::any_of(unknown.begin(), unknown.end(), [&](const Finding& f) {
            return f.sentence.find("'" + name + "'") != std::string::npos;
        });
        EXPECT_EQ(named, entry->flavour == Flavour::RealOnly) << name;
    }
    EXPECT_EQ(unknown.size(), 22u) << test::describe(unknown);  // fs 5, team 7, group 4, action 3, join, alerts, reads
}

// What a client of the running simulator receives: user.online, the tours' events that reach
// it, the answers to its commands, system.ping after the HTTP ping and pong after ws_ping; and
// its own commands, as rtmtap's client sends them.
class ReceivedFrames {
public:
    void onFrame(const Message& m) {
        if (m.op != Opcode::Text) {
            return;
        }
        std::lock_guard lock(mutex_);
        frames_.push_back(m.payload);
    }
    size_t count(const std::string& text) const {
        std::lock_guard lock(mutex_);
        return static_cast<size_t>(std::count_if(frames_.begin(), frames_.end(), [&](const std::string& f) {
            return f.find(text) != std::string::npos;
        }));
    }
    std::vector<std::string> frames() const {
        std::lock_guard lock(mutex_);
        return frames_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> frames_;
};

std::vector<Finding> lintAClientsSession(SimFlavor flavor, std::vector<std::string>& received) {
    SimulatorConfig config;
    config.wsPort = 0;
    config.apiPort = 0;
    config.seed = 5;
    config.chatterPerMinute = 0;  // the test ticks
    config.flavor = flavor;
    Simulator sim(config);
    sim.start();
    RtmClient client;
    const std::string bearer = client.login(sim.apiUrl(), "user1", SimWorld::kPassword);
    const RtmEndpoint endpoint = client.rtmConnect(sim.apiUrl(), bearer);
    ReceivedFrames frames;
    client.connect(endpoint.wsEndpoint, endpoint.wsToken, [&frames](const Message& m) { frames.onFrame(m); });
    test::CraftedSession session;
    session.client(R"({"command":"ws_auth","auth_token":")" + endpoint.wsToken + "\"}");
    EXPECT_TRUE(test::eventually([&] { return frames.count("\"user.online\"") > 0; }));
    for (int i = 0; i < SimChatter::kTourSteps + SimChatter::kRealTourSteps; ++i) {
        sim.tick();
    }
    const int64_t message = sim.world().messagesBefore(kGeneral, 0, 1).at(0).id;
    const std::string ids = R"("channel_id":")" + std::to_string(kGeneral) + R"(","message_id":")" +
                            std::to_string(message) + "\"";
    for (const std::string& command :
         {std::string(R"({"command":"ws_ping"})"),
          R"({"command":"ws_ephemeral_typing","channel_id":")" + std::to_string(kGeneral) + "\"}",
          R"({"command":"ws_read_notification",)" + ids + "}",
          R"({"command":"ws_all_read_notification","channel_id":)" + std::to_string(kGeneral) + "}",
          R"({"command":"ws_add_reaction","message_id":)" + std::to_string(message) + R"(,"emoji_value":"U 1F600"})",
          R"({"command":"ws_remove_reaction","message_id":)" + std::to_string(message) + R"(,"emoji_value":"U 1F600"})"}) {
        client.sendText(command);
        session.client(command);
    }
    SystemPingForm form;
    form.fingerPrint = decodeJwtClaims(endpoint.wsToken)->finger_print;
    form.pingToken = "lint-ping";
    AirSendApi(RtmClientOptions{}).systemPing(sim.apiUrl(), bearer, form);
    client.sendText(R"({"command":"ws_ping"})");
    session.client(R"({"command":"ws_ping"})");
    EXPECT_TRUE(test::eventually([&] { return frames.count("lint-ping") == 1 && frames.count("\"pong\"") == 2; }));
    client.close();
    sim.stop();
    received = frames.frames();
    for (const std::string& frame : received) {
        session.server(frame);
    }
    LintEngine engine(payloadRules());
    return session.lint(engine);
}

TEST(PayloadRulesSimulatorTest, AClientsSessionWithTheDocumentFlavourPassesAtWarn) {
    std::vector<std::string> received;
    auto findings = lintAClientsSession(SimFlavor::Doc, received);
    EXPECT_GT(received.size(), 20u);
    EXPECT_TRUE(atLeast(findings, Severity::Warn).empty()) << test::describe(findings);
    // system.ping answers the HTTP ping in both flavours: real traffic's event, info.
    EXPECT_EQ(test::findingsOf(findings, "unknown-event").size(), 1u) << test::describe(findings);
}

TEST(PayloadRulesSimulatorTest, AClientsSessionWithTheRealFlavourGivesOnlyInfo) {
    std::vector<std::string> received;
    auto findings = lintAClientsSession(SimFlavor::Real, received);
    EXPECT_GT(received.size(), 20u);
    EXPECT_TRUE(atLeast(findings, Severity::Warn).empty()) << test::describe(findings);
    EXPECT_FALSE(findings.empty());
}

}  // namespace
}  // namespace rtmtap
