// The simulator's HTTP answers agree with the events its WebSocket sends (real flavour): an
// answer and an event about the same record carry the same object, as the real backend builds
// both with one normalizer (NormalizedObjectFactory).
#include "SimApiFixture.h"

#include <Poco/JSON/Array.h>

namespace rtmtap::test {
namespace {

constexpr int64_t kGeneral = SimWorld::kFirstChannelId;
constexpr int64_t kTeam = SimWorld::kSharedTeamId;

std::string text(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    if (value.isEmpty()) {
        out << "null";
    } else if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        value.extract<Poco::JSON::Object::Ptr>()->stringify(out);
    } else if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        value.extract<Poco::JSON::Array::Ptr>()->stringify(out);
    } else {
        out << value.toString();
    }
    return out.str();
}

// The payload of the one frame named event among outs that goes to user (any user: 0).
Poco::JSON::Object::Ptr payloadTo(const SimOutputs& outs, const std::string& event, int64_t user = 0) {
    for (const auto& o : outs) {
        auto frame = jsonObjectOf(o.frame);
        bool toUser = user == 0 || std::find(o.to.begin(), o.to.end(), user) != o.to.end();
        if (frame && frame->getValue<std::string>("event") == event && toUser) {
            return frame->getObject("payload");
        }
    }
    ADD_FAILURE() << "no " << event << " to " << user;
    return new Poco::JSON::Object;
}

Poco::JSON::Object::Ptr byId(const Poco::JSON::Array::Ptr& list, int64_t id) {
    for (size_t i = 0; list && i < list->size(); ++i) {
        if (list->getObject(i)->getValue<int64_t>("id") == id) {
            return list->getObject(i);
        }
    }
    ADD_FAILURE() << "no id " << id;
    return new Poco::JSON::Object;
}

class SimAgreementTest : public SimApiFixture {};

TEST_F(SimAgreementTest, TeamListsTeamIsTheStartOfTeamUpdatesTeam) {
    const std::string token = login(2);
    sim->world().updateTeamMember(kTeam, userId(2), SimTeamMember::kManager);
    auto event = payloadTo(sim->world().renameTeam(kTeam, "Renamed"), "team.update", userId(2))->getObject("team");
    auto listed = byId(json(get("team.list", token))->getArray("teams"), kTeam);
    // team.list's is abbreviated (TeamManager::list), team.update's whole: the same fields first.
    std::vector<std::string> names;
    listed->getNames(names);
    ASSERT_EQ(names.size(), 6u);
    for (const auto& name : names) {
        EXPECT_EQ(text(listed->get(name)), text(event->get(name))) << name;
    }
    EXPECT_EQ(listed->getValue<std::string>("role"), "manager");
    EXPECT_TRUE(event->has("open_channels"));
    EXPECT_FALSE(listed->has("open_channels"));
}

TEST_F(SimAgreementTest, TeamMembersMemberEqualsTeamAddMembersMember) {
    const std::string token = login(2);
    SimWorld& world = sim->world();
    ASSERT_FALSE(world.removeTeamMember(kTeam, userId(3)).empty());
    // user3 owns a team channel holding a file: the counts the member object computes.
    world.createChannel(userId(3), {userId(2)}, "Owned");
    const int64_t owned = world.channelsOf(userId(3)).back().channel.id;
    ASSERT_FALSE(world.addFile(userId(3), owned, "report.pdf", 1234).empty());
    auto event = payloadTo(world.addTeamMember(kTeam, userId(3)), "team.add_member")->getObject("member");
    auto listed = byId(json(get("team.members?team_id=" + std::to_string(kTeam), token))->getArray("members"),
                       userId(3));
    EXPECT_EQ(text(listed), text(event));
    EXPECT_EQ(listed->getValue<int64_t>("channels_owned"), 1);
    EXPECT_EQ(listed->getValue<int64_t>("fs_count"), 1);
    EXPECT_EQ(listed->getValue<int64_t>("fs_size"), 1234);
    EXPECT_FALSE(listed->isNull("updated_on"));
}

TEST_F(SimAgreementTest, ChannelListsMembersEqualChannelUpdatesAndTeamChannelEvents) {
    const std::string token = login(2);
    SimOutputs outs = sim->world().renameChannel(kGeneral, "Renamed");
    auto updated = payloadTo(outs, "channel.update")->getObject("channel");
    auto teamUpdated = payloadTo(outs, "team.updated_channel")->getObject("channel");
    auto listed = byId(json(get("channel.list", token))->getArray("channels"), kGeneral);
    EXPECT_EQ(text(listed->get("members")), text(updated->get("members")));
    EXPECT_EQ(text(updated), text(teamUpdated));
    // Everything but what the answer adds for its viewer is the same.
    std::vector<std::string> names;
    updated->getNames(names);
    for (const auto& name : names) {
        EXPECT_EQ(text(listed->get(name)), text(updated->get(name))) << name;
    }
    EXPECT_FALSE(updated->has("unread_count"));
    EXPECT_TRUE(listed->has("unread_count"));
}

TEST_F(SimAgreementTest, HistorysMessageEqualsChatPostMessagesAndUpdateMessages) {
    const std::string token = login(2);
    SimWorld& world = sim->world();
    auto posted = payloadTo(world.post(userId(2), kGeneral, "hello"), "chat.postMessage")->getObject("message");
    const std::string history = "channel.history?channel_id=" + std::to_string(kGeneral) + "&limit=1";
    auto first = json(get(history, token))->getArray("messages")->getObject(0);
    EXPECT_EQ(text(first), text(posted));

    auto edited = payloadTo(world.edit(posted->getValue<int64_t>("id"), "hello again"), "chat.updateMessage");
    auto again = json(get(history, token))->getArray("messages")->getObject(0);
    EXPECT_EQ(text(again), text(edited->get("message")));
    EXPECT_EQ(again->getValue<std::string>("content"), "hello again");
}

TEST_F(SimAgreementTest, UserAlertsAlertEqualsAlertNotificationsAndUsersAgree) {
    const std::string token = login(3);
    SimWorld& world = sim->world();
    auto alert = payloadTo(world.post(userId(2), kGeneral, "look", userId(3)), "alert.notification", userId(3));
    auto alerts = json(get("user.alerts", token))->getArray("alerts");
    ASSERT_GE(alerts->size(), 1u);
    EXPECT_EQ(text(alerts->getObject(alerts->size() - 1)), text(alert));

    auto profile = payloadTo(world.rename(userId(2), "Two"), "user.profileUpdate")->getObject("user");
    auto info = json(get("user.info?user_id=" + std::to_string(userId(2)), token))->getObject("user");
    EXPECT_EQ(text(info), text(profile));
    EXPECT_EQ(text(alert->getArray("from")->getObject(0)->get("id")), std::to_string(userId(2)));
}

}  // namespace
}  // namespace rtmtap::test
