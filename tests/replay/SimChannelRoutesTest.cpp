// The simulator API's read routes: channel.list, channel.info, channel.history (paging both
// ways), channel.group.list, team.list and team.members, each answer checked against the world.
#include "SimApiFixture.h"

#include <Poco/Base64Encoder.h>

#include <set>
#include <sstream>

namespace rtmtap::test {
namespace {

using Keys = std::vector<std::string>;

std::string cursorOf(int64_t id) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder << id;
    encoder.close();
    return out.str();
}

class SimChannelRoutesTest : public SimApiFixture {
protected:
    // The ids of a history answer's messages, in the answer's order.
    static std::vector<int64_t> idsOf(const Poco::JSON::Object::Ptr& page) {
        std::vector<int64_t> ids;
        auto messages = page->getArray("messages");
        for (size_t i = 0; i < messages->size(); ++i) {
            ids.push_back(messages->getObject(i)->getValue<int64_t>("id"));
        }
        return ids;
    }
    std::string historyOf(int64_t channel, const std::string& extra) {
        return "channel.history?channel_id=" + std::to_string(channel) + extra;
    }
    // Fills General with more messages than a few pages hold; returns all its ids, oldest first.
    std::vector<int64_t> fillGeneral(int count) {
        for (int i = 0; i < count; ++i) {
            sim->world().post(userId(1 + i % 3), SimWorld::kFirstChannelId, "message " + std::to_string(i));
        }
        std::vector<int64_t> ids;
        for (const auto& m : sim->world().messagesFrom(SimWorld::kFirstChannelId, 0, 0)) {
            ids.push_back(m.id);
        }
        return ids;
    }
};

TEST_F(SimChannelRoutesTest, ChannelListHoldsTheUsersChannelsNormalized) {
    const std::string token = login(2);
    HttpAnswer a = get("channel.list?exclude_closed=false", token);
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"channels", "meta"}));
    auto channels = obj->getArray("channels");
    const auto expected = sim->world().channelsOf(userId(2));
    ASSERT_EQ(channels->size(), expected.size());
    ASSERT_FALSE(expected.empty());
    auto general = channels->getObject(0);
    EXPECT_EQ(general->getValue<int64_t>("id"), SimWorld::kFirstChannelId);
    for (const char* key : {"channel_name", "channel_email", "members", "unread_count", "read_watermark_id", "team_id",
                            "latest_message", "channel_group_id", "user_role", "channel_roots", "created_on_ts"}) {
        EXPECT_TRUE(general->has(key)) << key;
    }
    EXPECT_EQ(general->getValue<int64_t>("team_id"), SimWorld::kSharedTeamId);
    EXPECT_EQ(general->getArray("members")->size(), expected[0].members.size());
    // Seeded: every member said hello; all but user2's own are unread.
    EXPECT_EQ(general->getValue<int64_t>("unread_count"), static_cast<int64_t>(expected[0].members.size()) - 1);
    EXPECT_EQ(get("channel.list").status, 401);
}

TEST_F(SimChannelRoutesTest, UnreadCountFollowsTheReadNotifications) {
    const std::string token = login(2);
    auto client = connect(wsToken(token));
    client->send(R"({"command":"ws_all_read_notification","channel_id":)" + std::to_string(SimWorld::kFirstChannelId) + "}");
    client->drain();
    auto info = json(get("channel.info?channel_id=" + std::to_string(SimWorld::kFirstChannelId), token));
    EXPECT_EQ(info->getObject("channel")->getValue<int64_t>("unread_count"), 0);
}

TEST_F(SimChannelRoutesTest, ChannelInfoAndItsErrors) {
    const std::string token = login(2);
    HttpAnswer a = get("channel.info?channel_id=" + std::to_string(SimWorld::kFirstChannelId), token);
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"channel", "meta"}));
    EXPECT_EQ(obj->getObject("channel")->getValue<std::string>("channel_name"), "General");

    HttpAnswer missing = get("channel.info", token);
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(json(missing, false)->getValue<std::string>("channel_id"), "The channel_id field is required");
    HttpAnswer unknown = get("channel.info?channel_id=42", token);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(errorOf(unknown), "Invalid Channel");
    EXPECT_EQ(get("channel.info?channel_id=" + std::to_string(SimWorld::kFirstChannelId)).status, 401);
    EXPECT_EQ(post("channel.info", "channel_id=1", token).status, 405);
}

TEST_F(SimChannelRoutesTest, ANonMemberIsRefusedAsTheRealApiDoes) {
    // A channel of user1 and user2 only: the real API answers others 401 (not 403).
    sim->world().createChannel(userId(1), {userId(2)}, "Private");
    const int64_t channel = sim->world().channelsOf(userId(1)).back().channel.id;
    ASSERT_EQ(sim->world().channelsOf(userId(1)).back().channel.name, "Private");
    const std::string token = login(5);
    for (const std::string route : {"channel.info?channel_id=", "channel.history?channel_id="}) {
        HttpAnswer a = get(route + std::to_string(channel), token);
        EXPECT_EQ(a.status, 401) << route;
        EXPECT_EQ(errorOf(a), "You do not have access this channel");
    }
    EXPECT_EQ(get("channel.info?channel_id=" + std::to_string(channel), login(2)).status, 200);
}

TEST_F(SimChannelRoutesTest, HistoryFirstPageIsTheNewestMessagesNewestFirst) {
    const auto all = fillGeneral(25);
    const std::string token = login(2);
    HttpAnswer a = get(historyOf(SimWorld::kFirstChannelId, "&limit=10"), token);
    ASSERT_EQ(a.status, 200) << a.body;
    auto page = json(a);
    EXPECT_EQ(keysOf(page), (Keys{"has_more", "has_more_newer", "messages", "meta", "next_cursor", "next_cursor_newer"}));
    const std::vector<int64_t> expected(all.rbegin(), all.rbegin() + 10);
    EXPECT_EQ(idsOf(page), expected);
    EXPECT_TRUE(page->getValue<bool>("has_more"));
    EXPECT_EQ(page->getValue<std::string>("next_cursor"), cursorOf(expected.back()));
    EXPECT_FALSE(page->getValue<bool>("has_more_newer"));
    EXPECT_EQ(page->getValue<std::string>("next_cursor_newer"), "");
    auto message = page->getArray("messages")->getObject(0);
    for (const char* key : {"id", "user_id", "channel_id", "display_name", "content", "attachments", "message_type",
                            "is_edited", "is_deleted", "parent_message", "source", "emoticons", "created_on",
                            "created_on_ts"}) {
        EXPECT_TRUE(message->has(key)) << key;
    }
    EXPECT_EQ(message->getValue<std::string>("content"), "message 24");
    EXPECT_EQ(message->getValue<std::string>("source"), "chat");
}

TEST_F(SimChannelRoutesTest, WalkingOlderWithTheCursorVisitsEveryMessageOnce) {
    const auto all = fillGeneral(23);
    const std::string token = login(2);
    std::vector<int64_t> seen;
    std::string cursor;
    for (int pages = 0; pages < 20; ++pages) {
        auto page = json(get(historyOf(SimWorld::kFirstChannelId, "&limit=7&cursor=" + cursor), token));
        const auto ids = idsOf(page);
        seen.insert(seen.end(), ids.begin(), ids.end());
        if (!page->getValue<bool>("has_more")) {
            break;
        }
        cursor = page->getValue<std::string>("next_cursor");
        ASSERT_FALSE(cursor.empty());
    }
    EXPECT_EQ(seen, std::vector<int64_t>(all.rbegin(), all.rend()));  // no gap, no duplicate
}

TEST_F(SimChannelRoutesTest, WalkingNewerWithTheCursorVisitsEveryMessageOnce) {
    const auto all = fillGeneral(23);
    const std::string token = login(2);
    // From the oldest message on, newer pages leave the cursor's own message out.
    std::vector<int64_t> seen{all.front()};
    std::string cursor = cursorOf(all.front());
    for (int pages = 0; pages < 20; ++pages) {
        auto page = json(get(historyOf(SimWorld::kFirstChannelId, "&limit_newer=6&cursor=" + cursor), token));
        auto ids = idsOf(page);
        EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));  // newest first within the page
        seen.insert(seen.end(), ids.rbegin(), ids.rend());
        EXPECT_FALSE(page->getValue<bool>("has_more"));
        if (!page->getValue<bool>("has_more_newer")) {
            break;
        }
        cursor = page->getValue<std::string>("next_cursor_newer");
        ASSERT_FALSE(cursor.empty());
    }
    EXPECT_EQ(seen, all);
}

TEST_F(SimChannelRoutesTest, HistoryAroundACursorHoldsBothSidesAndTheCursorsMessage) {
    const auto all = fillGeneral(30);
    const int64_t middle = all[15];
    auto page = json(get(historyOf(SimWorld::kFirstChannelId, "&limit=5&limit_newer=5&cursor=" + cursorOf(middle)),
                         login(2)));
    // Newer: the cursor's message and the 4 after it; older: the 5 before it; newest first.
    std::vector<int64_t> expected(all.begin() + 10, all.begin() + 20);
    std::reverse(expected.begin(), expected.end());
    EXPECT_EQ(idsOf(page), expected);
    EXPECT_TRUE(page->getValue<bool>("has_more"));
    EXPECT_TRUE(page->getValue<bool>("has_more_newer"));
    EXPECT_EQ(page->getValue<std::string>("next_cursor"), cursorOf(all[10]));
    EXPECT_EQ(page->getValue<std::string>("next_cursor_newer"), cursorOf(all[19]));
}

TEST_F(SimChannelRoutesTest, HistoryErrors) {
    const std::string token = login(2);
    EXPECT_EQ(get("channel.history?limit=10", token).status, 422);
    EXPECT_EQ(get("channel.history?channel_id=7&limit=10", token).status, 404);
    EXPECT_EQ(get(historyOf(SimWorld::kFirstChannelId, "&limit=10")).status, 401);
}

TEST_F(SimChannelRoutesTest, GroupListHoldsTheUsersGroupsAndTheVirtualOnes) {
    const std::string token = login(2);
    HttpAnswer a = get("channel.group.list", token);
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"groups", "meta"}));
    auto groups = obj->getArray("groups");
    const auto own = sim->world().groupsOf(userId(2));
    ASSERT_EQ(groups->size(), own.size() + 2);
    EXPECT_EQ(groups->getObject(0)->getValue<int64_t>("id"), own[0].id);
    EXPECT_EQ(groups->getObject(own.size())->getValue<std::string>("id"), "all");
    EXPECT_TRUE(groups->getObject(own.size() + 1)->getValue<bool>("virtual"));
    EXPECT_EQ(get("channel.group.list").status, 401);
}

TEST_F(SimChannelRoutesTest, TeamListLeavesSelfTeamsOutAndTeamMembersListsEveryone) {
    const std::string token = login(2);
    HttpAnswer a = get("team.list", token);
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"meta", "teams"}));
    auto teams = obj->getArray("teams");
    ASSERT_EQ(teams->size(), 1u);
    EXPECT_EQ(teams->getObject(0)->getValue<int64_t>("id"), SimWorld::kSharedTeamId);
    EXPECT_EQ(teams->getObject(0)->getValue<std::string>("role"), "member");

    HttpAnswer m = get("team.members?team_id=" + std::to_string(SimWorld::kSharedTeamId), token);
    ASSERT_EQ(m.status, 200) << m.body;
    auto members = json(m);
    EXPECT_EQ(keysOf(members), (Keys{"members", "meta"}));
    EXPECT_EQ(members->getArray("members")->size(), sim->world().team(SimWorld::kSharedTeamId)->members.size());
    EXPECT_EQ(members->getArray("members")->getObject(0)->getValue<int64_t>("channels_count"),
              static_cast<int64_t>(sim->world().channelsOf(userId(1)).size()));

    EXPECT_EQ(get("team.members", token).status, 422);
    EXPECT_EQ(get("team.members?team_id=5", token).status, 404);
    // user1's self team: user2 is not in it.
    HttpAnswer foreign = get("team.members?team_id=" + std::to_string(SimWorld::kSharedTeamId + 1), token);
    EXPECT_EQ(foreign.status, 403);
    EXPECT_EQ(errorOf(foreign), "User must be member of the team");
    EXPECT_EQ(get("team.list").status, 401);
}

}  // namespace
}  // namespace rtmtap::test
