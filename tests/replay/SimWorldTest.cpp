// The world and its chatter without sockets: event shapes, recipients, repeatability, coverage.
#include "replay/SimChatter.h"
#include "replay/SimWorld.h"
#include "protocol/Catalogue.h"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <set>

namespace rtmtap {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string eventName(const SimOutput& out) {
    return parse(out.frame)->getValue<std::string>("event");
}

std::vector<std::string> keys(const Poco::JSON::Object::Ptr& obj) {
    std::vector<std::string> out;
    for (const auto& name : obj->getNames()) {
        out.push_back(name);
    }
    return out;
}

SimWorldConfig config(uint64_t seed, SimFlavor flavor = SimFlavor::Doc) {
    SimWorldConfig c;
    c.seed = seed;
    c.flavor = flavor;
    return c;
}

constexpr int64_t kUser1 = SimWorld::kFirstUserId + 1, kUser2 = SimWorld::kFirstUserId + 2;
constexpr int64_t kGeneral = SimWorld::kFirstChannelId;

// One minute of chatter at the default 30 a minute, and the event names it produced.
std::multiset<std::string> oneMinute(SimWorld& world, SimChatter& chatter, std::vector<std::string>* frames = nullptr) {
    std::multiset<std::string> names;
    for (int i = 0; i < 30; ++i) {
        for (const auto& out : chatter.tick(world)) {
            names.insert(eventName(out));
            if (frames) {
                frames->push_back(out.frame);
            }
        }
    }
    return names;
}

TEST(SimWorld, EveryDocumentedEventHappensInTheFirstMinute) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    SimChatter chatter(1);
    world.connect(kUser1);
    auto names = oneMinute(world, chatter);
    for (auto event : documentedEvents()) {
        EXPECT_EQ(names.count(std::string(event)) > 0, true) << event;
    }
}

TEST(SimWorld, ChatterWaitsForTheFirstClient) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    SimChatter chatter(1);
    for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(chatter.tick(world).empty());
    }
    world.connect(kUser1);
    auto first = chatter.tick(world);
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(eventName(first[0]), "chat.postMessage");  // the tour's first step
}

TEST(SimWorld, EveryEventOfTheTourReachesTheConnectedUser) {
    FakeClock clock;
    SimWorld world(config(5), clock);
    SimChatter chatter(5);
    world.connect(kUser2);
    std::set<std::string> reached;
    for (int i = 0; i < SimChatter::kTourSteps; ++i) {
        for (const auto& out : chatter.tick(world)) {
            if (std::find(out.to.begin(), out.to.end(), kUser2) != out.to.end()) {
                reached.insert(eventName(out));
            }
        }
    }
    for (auto event : documentedEvents()) {
        EXPECT_TRUE(reached.count(std::string(event))) << event;
    }
}

TEST(SimWorld, SameSeedSameRunOtherSeedOtherRun) {
    std::vector<std::string> a, b, c;
    for (auto [seed, frames] : {std::pair{42u, &a}, std::pair{42u, &b}, std::pair{43u, &c}}) {
        FakeClock clock;
        SimWorld world(config(seed), clock);
        SimChatter chatter(seed);
        world.connect(kUser1);
        for (int minute = 0; minute < 4; ++minute) {
            oneMinute(world, chatter, frames);
        }
    }
    ASSERT_GT(a.size(), 100u);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(SimWorld, PostMessageHasTheDocumentFieldsInOrder) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    auto out = world.post(kUser1, kGeneral, "hi");
    ASSERT_EQ(out.size(), 1u);
    auto frame = parse(out[0].frame);
    EXPECT_EQ(out[0].frame.rfind(R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{)", 0), 0u);
    auto message = frame->getObject("payload")->getObject("message");
    std::vector<std::string> expected = {"user_id",   "channel_id",    "display_name", "attachments",    "message_type",
                                         "is_edited", "parent_message", "emoticons",   "created_on",     "id",
                                         "created_on_ts", "content",   "read_user_count", "read_users"};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(keys(message), expected);
    EXPECT_EQ(message->getValue<std::string>("content"), "hi");
    EXPECT_EQ(message->getValue<std::string>("read_user_count"), "0");
    EXPECT_EQ(message->getValue<int64_t>("created_on_ts"), clock.wallUs() / 1000000);
    // Everyone in General (all users) receives it, the author too.
    EXPECT_EQ(out[0].to.size(), 5u);
}

TEST(SimWorld, MentionAlertsTheMentionedUserOnly) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    auto out = world.post(kUser1, kGeneral, "look", kUser2);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(eventName(out[1]), "alert.notification");
    EXPECT_EQ(out[1].to, std::vector<int64_t>{kUser2});
    auto payload = parse(out[1].frame)->getObject("payload");
    EXPECT_EQ(payload->getArray("from")->getObject(0)->getValue<int64_t>("id"), kUser1);
    EXPECT_EQ(payload->getValue<int64_t>("channel_id"), kGeneral);
    EXPECT_FALSE(payload->getValue<bool>("is_read"));
}

TEST(SimWorld, JoinAndLeaveComeWithTypeFiveBotMessages) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    world.createChannel(kUser1, {}, "Pair");
    const int64_t channel = world.snapshot().channels.back().id;
    auto added = world.addMember(channel, kUser1, kUser2);
    ASSERT_EQ(added.size(), 2u);
    EXPECT_EQ(eventName(added[0]), "user_added.channel");
    auto bot = parse(added[1].frame)->getObject("payload")->getObject("message");
    EXPECT_EQ(bot->getValue<int>("message_type"), 5);
    EXPECT_EQ(bot->getValue<int64_t>("user_id"), SimWorld::kBotUserId);
    EXPECT_EQ(bot->getObject("content")->getValue<int>("type"), 2);
    EXPECT_EQ(bot->getObject("content")->getValue<std::string>("bot_message"),
              "@91010001 has added @91010002 to this channel");
    auto removed = world.removeMember(channel, kUser2, kUser2);
    ASSERT_EQ(removed.size(), 2u);
    EXPECT_EQ(eventName(removed[0]), "user_removed.channel");
    EXPECT_EQ(removed[0].to.size(), 2u);  // the leaver hears it too
    EXPECT_EQ(removed[1].to, std::vector<int64_t>{kUser1});
}

TEST(SimWorld, RealFlavorAddsEmittedOnAndUsesUpdateReadStatus) {
    FakeClock clock;
    SimWorld world(config(1, SimFlavor::Real), clock);
    auto posted = world.post(kUser2, kGeneral, "hi");
    const int64_t id = parse(posted[0].frame)->getObject("payload")->getObject("message")->getValue<int64_t>("id");
    auto out = world.readMessage(kUser1, kGeneral, id);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(eventName(out[0]), "chat.updateMessage");
    EXPECT_EQ(eventName(out[1]), "channel.updateReadStatus");
    EXPECT_EQ(out[1].to.size(), 5u);  // every member, as real traffic
    auto frame = parse(out[1].frame);
    EXPECT_NE(out[1].frame.find(R"("emitted_on":1700000000.000000)"), std::string::npos) << out[1].frame;
    auto payload = frame->getObject("payload");
    EXPECT_EQ(payload->getValue<int64_t>("user_id"), kUser1);
    EXPECT_EQ(payload->getValue<int64_t>("read_watermark_id"), id);
    EXPECT_EQ(payload->getValue<int64_t>("unread_count"), 0);
}

TEST(SimWorld, UnreadCountsFollowReads) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    world.readAll(kUser1, kGeneral);
    world.post(kUser2, kGeneral, "one");
    auto second = world.post(kUser2, kGeneral, "two");
    const int64_t id = parse(second[0].frame)->getObject("payload")->getObject("message")->getValue<int64_t>("id");
    auto out = world.readMessage(kUser1, kGeneral, id - 1);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].to, std::vector<int64_t>{kUser1});
    auto payload = parse(out[1].frame)->getObject("payload");
    EXPECT_EQ(payload->getValue<int64_t>("channel_unread_count"), 1);
    EXPECT_EQ(payload->getValue<int64_t>("oldest_unread_message_id"), id);
    auto read = parse(out[0].frame)->getObject("payload")->getObject("message");
    EXPECT_EQ(read->getValue<std::string>("read_user_count"), "1");
    EXPECT_EQ(read->getArray("read_users")->getElement<int64_t>(0), kUser1);
}

TEST(SimWorld, UnknownIdsAndNonMembersGiveNoEvents) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    EXPECT_TRUE(world.typing(kUser1, 1).empty());
    EXPECT_TRUE(world.readMessage(kUser1, kGeneral, 1).empty());
    EXPECT_TRUE(world.readAll(kUser1, 5).empty());
    EXPECT_TRUE(world.react(kUser1, 99999999, "U 1F600", true).empty());
    EXPECT_TRUE(world.react(kUser1, 10000, "", true).empty());
    EXPECT_TRUE(world.typing(1, kGeneral).empty());
    EXPECT_TRUE(world.removeChannel(kGeneral).empty());
}

TEST(SimWorld, LoginAcceptsEmailOrNameWithThePassword) {
    FakeClock clock;
    SimWorld world(config(1), clock);
    EXPECT_EQ(world.login("user2@example.test", "password")->id, kUser2);
    EXPECT_EQ(world.login("user2", "password")->id, kUser2);
    EXPECT_FALSE(world.login("user2@example.test", "Password"));
    EXPECT_FALSE(world.login("user9@example.test", "password"));
    EXPECT_FALSE(world.login("", "password"));
}

}  // namespace
}  // namespace rtmtap
