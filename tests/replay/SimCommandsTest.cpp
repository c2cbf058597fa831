// Each command's events and who receives them, with three clients as different users.
#include "SimTestUtil.h"

namespace rtmtap::test {
namespace {

constexpr const char* kGeneral = "11010000";  // every user is a member

class SimCommandsTest : public ::testing::Test {
protected:
    void SetUp() override { start(SimFlavor::Doc); }
    void start(SimFlavor flavor) {
        clients.clear();
        sim = std::make_unique<Simulator>(simConfig(flavor));
        sim->start();
        for (int n = 1; n <= 3; ++n) {
            clients.push_back(std::make_unique<SimClient>(*sim));
            clients.back()->auth(*sim, n);
            clients.back()->drain();  // the barrier: this auth's user.online is out to everyone
        }
        for (auto& c : clients) {
            c->drain();  // the others' user.online
        }
    }
    SimClient& user(int n) { return *clients[n - 1]; }
    // A message in General by user5, who has no client.
    int64_t postedMessage() {
        auto out = sim->world().post(userId(5), SimWorld::kFirstChannelId, "read me");
        sim->wsServer().deliver(out);
        for (auto& c : clients) {
            EXPECT_NE(c->waitFor("chat.postMessage"), nullptr);
            c->seen.clear();
        }
        return out[0].frame.empty() ? 0 : jsonObjectOf(out[0].frame)->getObject("payload")->getObject("message")->getValue<int64_t>("id");
    }

    std::unique_ptr<Simulator> sim;
    std::vector<std::unique_ptr<SimClient>> clients;
};

TEST_F(SimCommandsTest, TypingGoesToTheOtherMembersNotTheSender) {
    user(1).send(std::string(R"({"command":"ws_ephemeral_typing","user_email":"x","channel_id":")") + kGeneral + "\"}");
    EXPECT_FALSE(contains(user(1).drain(), "chat.userTyping"));
    for (int n : {2, 3}) {
        auto typing = user(n).waitFor("chat.userTyping");
        ASSERT_NE(typing, nullptr) << n;
        auto payload = typing->getObject("payload");
        EXPECT_EQ(payload->getObject("user")->getValue<int64_t>("id"), userId(1));
        EXPECT_EQ(payload->getValue<int64_t>("channel_id"), SimWorld::kFirstChannelId);
    }
}

TEST_F(SimCommandsTest, ReadNotificationUpdatesMembersAndCountsForTheReader) {
    const int64_t id = postedMessage();
    user(2).send(std::string(R"({"command":"ws_read_notification","channel_id":")") + kGeneral + R"(","message_id":")" +
                 std::to_string(id) + "\"}");
    auto unread = user(2).waitFor("chat.unreadCountUpdate");
    ASSERT_NE(unread, nullptr);
    EXPECT_EQ(unread->getObject("payload")->getValue<int64_t>("channel_id"), SimWorld::kFirstChannelId);
    EXPECT_TRUE(contains(user(2).seen, "chat.updateMessage"));
    for (int n : {1, 3}) {
        auto update = user(n).waitFor("chat.updateMessage");
        ASSERT_NE(update, nullptr) << n;
        auto message = update->getObject("payload")->getObject("message");
        EXPECT_EQ(message->getValue<int64_t>("id"), id);
        EXPECT_EQ(message->getArray("read_users")->getElement<int64_t>(0), userId(2));
        EXPECT_FALSE(contains(user(n).drain(), "chat.unreadCountUpdate")) << n;
    }
}

TEST_F(SimCommandsTest, AllReadGivesOnlyTheUnreadUpdateToTheReader) {
    postedMessage();
    user(3).send(std::string(R"({"command":"ws_all_read_notification","channel_id":)") + kGeneral + "}");
    auto unread = user(3).waitFor("chat.unreadCountUpdate");
    ASSERT_NE(unread, nullptr);
    EXPECT_EQ(unread->getObject("payload")->getValue<int64_t>("channel_unread_count"), 0);
    EXPECT_TRUE(user(3).seen.empty());
    for (int n : {1, 2}) {
        EXPECT_TRUE(user(n).drain().empty()) << n;
    }
}

TEST_F(SimCommandsTest, ReactionsChangeEmoticonsForEveryMember) {
    const int64_t id = postedMessage();
    const std::string target = R"(","message_id":")" + std::to_string(id) + R"(","emoji_value":"U 1F600"})";
    user(1).send(R"({"command":"ws_add_reaction)" + target);
    for (int n : {1, 2, 3}) {
        auto update = user(n).waitFor("chat.updateMessage");
        ASSERT_NE(update, nullptr) << n;
        auto emoticons = update->getObject("payload")->getObject("message")->getArray("emoticons");
        ASSERT_EQ(emoticons->size(), 1u);
        EXPECT_EQ(emoticons->getObject(0)->getValue<int64_t>("uid"), userId(1));
        EXPECT_EQ(emoticons->getObject(0)->getValue<std::string>("ev"), "U 1F600");
    }
    user(1).send(R"({"command":"ws_remove_reaction)" + target);
    for (int n : {1, 2, 3}) {
        auto update = user(n).waitFor("chat.updateMessage");
        ASSERT_NE(update, nullptr) << n;
        EXPECT_EQ(update->getObject("payload")->getObject("message")->getArray("emoticons")->size(), 0u);
    }
}

TEST_F(SimCommandsTest, BadPayloadsAreIgnoredAndTheConnectionStays) {
    for (const std::string text : {R"({"command":"ws_ephemeral_typing"})", R"({"command":"ws_ephemeral_typing","channel_id":"x"})",
                                   R"({"command":"ws_read_notification","channel_id":11010000,"message_id":[]})",
                                   R"({"command":"ws_add_reaction","message_id":"10000"})"}) {
        user(1).send(text);
        EXPECT_TRUE(user(1).drain().empty()) << text;
    }
    EXPECT_TRUE(user(2).drain().empty());
}

TEST_F(SimCommandsTest, RealFlavorSendsUpdateReadStatusToEveryMemberWithEmittedOn) {
    start(SimFlavor::Real);
    const int64_t id = postedMessage();
    user(2).send(std::string(R"({"command":"ws_read_notification","channel_id":)") + kGeneral + R"(,"message_id":)" +
                 std::to_string(id) + "}");
    for (int n : {1, 2, 3}) {
        auto status = user(n).waitFor("channel.updateReadStatus");
        ASSERT_NE(status, nullptr) << n;
        EXPECT_EQ(status->getObject("payload")->getValue<int64_t>("user_id"), userId(2));
        EXPECT_TRUE(status->getObject("meta")->has("emitted_on"));
        EXPECT_FALSE(contains(user(n).seen, "chat.unreadCountUpdate"));
    }
}

TEST_F(SimCommandsTest, ChatterReachesConnectedClients) {
    std::set<std::string> events;
    for (int i = 0; i < SimChatter::kTourSteps; ++i) {
        sim->tick();
    }
    for (const auto& e : user(1).drain()) {
        events.insert(e);
    }
    for (auto event : documentedEvents()) {
        EXPECT_TRUE(events.count(std::string(event))) << event;
    }
}

}  // namespace
}  // namespace rtmtap::test
