// The real flavour's events beyond the document: each world operation's payload, recipients and
// state change (read back through snapshot()), and the chatter that produces them all.
#include "replay/SimChatter.h"
#include "replay/SimWorld.h"
#include "protocol/Catalogue.h"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace rtmtap {
namespace {

constexpr int64_t kUser1 = SimWorld::kFirstUserId + 1, kUser2 = SimWorld::kFirstUserId + 2;
constexpr int64_t kUser3 = SimWorld::kFirstUserId + 3;
constexpr int64_t kGeneral = SimWorld::kFirstChannelId;
constexpr int64_t kTeam = SimWorld::kSharedTeamId;
const std::vector<int64_t> kEveryone = {kUser1, kUser2, kUser3, SimWorld::kFirstUserId + 4, SimWorld::kFirstUserId + 5};

// The events of this task. Not here, though RealOnly in the catalogue: system.ping (the HTTP
// ping's answer), call.invite and call.invite.accept (calls), channel.updateReadStatus (already
// sent for reads) are another task's.
const std::set<std::string> kNotInThisTask = {"system.ping", "call.invite", "call.invite.accept",
                                              "channel.updateReadStatus"};

std::vector<std::string> realOnlyEvents() {
    std::vector<std::string> out;
    for (const auto& entry : catalogue()) {
        if (entry.dir == Direction::ServerToClient && entry.flavour == Flavour::RealOnly &&
            !kNotInThisTask.count(std::string(entry.name))) {
            out.emplace_back(entry.name);
        }
    }
    return out;
}

Poco::Dynamic::Var parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text);
}

Poco::JSON::Object::Ptr frameOf(const SimOutput& out) {
    return parse(out.frame).extract<Poco::JSON::Object::Ptr>();
}

std::string eventName(const SimOutput& out) {
    return frameOf(out)->getValue<std::string>("event");
}

Poco::JSON::Object::Ptr payloadOf(const SimOutput& out) {
    return frameOf(out)->getObject("payload");
}

std::vector<std::string> keys(const Poco::JSON::Object::Ptr& obj) {
    std::vector<std::string> out;
    for (const auto& name : obj->getNames()) {
        out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> sorted(std::initializer_list<const char*> names) {
    std::vector<std::string> v(names.begin(), names.end());
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

std::vector<int64_t> sorted(std::vector<int64_t> v) {
    std::sort(v.begin(), v.end());
    return v;
}

// The one output carrying event; fails the test when there is not exactly one.
SimOutput only(const SimOutputs& outs, const std::string& event) {
    std::vector<SimOutput> found;
    for (const auto& o : outs) {
        if (eventName(o) == event) {
            found.push_back(o);
        }
    }
    EXPECT_EQ(found.size(), 1u) << event;
    return found.empty() ? SimOutput{} : found[0];
}

class SimWorldReal : public ::testing::Test {
protected:
    SimWorldConfig config(SimFlavor flavor) {
        SimWorldConfig c;
        c.seed = 1;
        c.flavor = flavor;
        return c;
    }
    FakeClock clock;
    SimWorld world{config(SimFlavor::Real), clock};
    const std::string root = world.filesRoot(kGeneral);

    SimFile fileAt(const std::string& path) {
        for (const auto& f : world.snapshot().files) {
            if (f.path == path) {
                return f;
            }
        }
        return {};
    }
    const SimTeam& team(const SimSnapshot& snap) {
        return *std::find_if(snap.teams.begin(), snap.teams.end(), [](const SimTeam& t) { return t.id == kTeam; });
    }
};

const std::vector<std::string> kFsKeys = {"user_id", "channel_id", "fs_name", "fs_path", "extension", "media"};

std::vector<std::string> plus(std::vector<std::string> base, const std::vector<std::string>& more) {
    base.insert(base.end(), more.begin(), more.end());
    return sorted(base);
}

TEST_F(SimWorldReal, FileEventsGoToTheChannelMembersWithTheBackendsFields) {
    auto folder = only(world.createFolder(kUser2, kGeneral, "Specs"), "fs.folder.create");
    EXPECT_EQ(sorted(folder.to), kEveryone);
    EXPECT_EQ(keys(payloadOf(folder)), sorted(kFsKeys));
    EXPECT_EQ(payloadOf(folder)->getValue<std::string>("fs_path"), root);
    EXPECT_TRUE(fileAt(root + "/Specs").folder);

    auto added = only(world.addFile(kUser2, kGeneral, "shot.png", 2048), "fs.add");
    auto p = payloadOf(added);
    EXPECT_EQ(keys(p), plus(kFsKeys, {"file_size", "is_new"}));
    EXPECT_EQ(p->getValue<std::string>("fs_name"), "shot.png");
    EXPECT_EQ(p->getValue<std::string>("fs_path"), root);  // the folder it went into
    EXPECT_EQ(p->getValue<std::string>("extension"), "png");
    EXPECT_TRUE(p->getValue<bool>("media"));
    EXPECT_TRUE(p->getValue<bool>("is_new"));
    EXPECT_EQ(p->getValue<int64_t>("file_size"), 2048);
    EXPECT_EQ(p->getValue<int64_t>("user_id"), kUser2);
    EXPECT_EQ(fileAt(root + "/shot.png").size, 2048);
    auto again = only(world.addFile(kUser3, kGeneral, "shot.png", 4096), "fs.add");
    EXPECT_FALSE(payloadOf(again)->getValue<bool>("is_new"));  // a new version
    EXPECT_EQ(fileAt(root + "/shot.png").size, 4096);

    const int64_t id = fileAt(root + "/shot.png").id;
    auto moved = only(world.moveFile(kUser2, id, root + "/Specs/shot.png"), "fs.update");
    EXPECT_EQ(keys(payloadOf(moved)), plus(kFsKeys, {"previous_path"}));
    EXPECT_EQ(payloadOf(moved)->getValue<std::string>("fs_path"), root + "/Specs/shot.png");
    EXPECT_EQ(payloadOf(moved)->getValue<std::string>("previous_path"), root + "/shot.png");
    EXPECT_EQ(fileAt(root + "/Specs/shot.png").id, id);
    EXPECT_EQ(fileAt(root + "/shot.png").id, 0);

    auto copied = only(world.copyFile(kUser2, id, root + "/copy.png"), "fs.copy");
    EXPECT_EQ(keys(payloadOf(copied)), plus(kFsKeys, {"previous_path"}));
    EXPECT_EQ(payloadOf(copied)->getValue<std::string>("previous_path"), root + "/Specs/shot.png");
    EXPECT_NE(fileAt(root + "/copy.png").id, 0);

    auto deleted = only(world.deleteFile(kUser2, fileAt(root + "/Specs").id), "fs.delete");
    EXPECT_EQ(keys(payloadOf(deleted)), sorted(kFsKeys));
    EXPECT_EQ(payloadOf(deleted)->getValue<std::string>("fs_path"), root + "/Specs");
    EXPECT_EQ(payloadOf(deleted)->getValue<std::string>("fs_name"), "Specs");
    EXPECT_EQ(fileAt(root + "/Specs/shot.png").id, 0);  // the folder's contents went with it
    EXPECT_EQ(world.snapshot().files.size(), 1u);
}

TEST_F(SimWorldReal, FileOperationsThatCannotHappenSendNothing) {
    world.createFolder(kUser2, kGeneral, "Specs");
    EXPECT_TRUE(world.createFolder(kUser2, kGeneral, "Specs").empty());    // already exists
    EXPECT_TRUE(world.addFile(kUser2, kGeneral, "Specs", 1).empty());      // a folder's name
    EXPECT_TRUE(world.addFile(kUser2, 42, "a.txt", 1).empty());            // no such channel
    world.addFile(kUser2, kGeneral, "a.txt", 1);
    const int64_t id = fileAt(root + "/a.txt").id;
    EXPECT_TRUE(world.moveFile(kUser2, id, root + "/Nowhere/a.txt").empty());  // no such folder
    EXPECT_TRUE(world.moveFile(kUser2, id, root + "/Specs").empty());          // taken
    EXPECT_TRUE(world.copyFile(kUser2, 9999, root + "/b.txt").empty());
    EXPECT_TRUE(world.deleteFile(kUser2, 9999).empty());
}

TEST_F(SimWorldReal, ActionUpdateMoveAndDeleteFollowTheBackend) {
    world.createAction(kUser2, kGeneral, "Parent");
    world.createAction(kUser2, kGeneral, "Child");
    auto actions = world.snapshot().actions;
    ASSERT_EQ(actions.size(), 2u);
    const int64_t parent = actions[0].id, child = actions[1].id;

    auto moved = only(world.moveAction(kUser3, child, 0, parent), "action.move");
    EXPECT_EQ(sorted(moved.to), kEveryone);
    auto m = payloadOf(moved);
    EXPECT_EQ(keys(m), sorted({"channel_id", "action_id", "after", "parent", "previous_parent"}));
    EXPECT_EQ(m->getValue<int64_t>("parent"), parent);
    EXPECT_TRUE(m->isNull("previous_parent"));
    EXPECT_TRUE(m->isNull("after"));
    EXPECT_EQ(world.snapshot().actions[0].id, child);  // first now
    EXPECT_EQ(world.snapshot().actions[0].parentId, parent);

    auto updated = only(world.updateAction(kUser3, parent, "Parent (done)", 1), "action.update");
    auto u = payloadOf(updated);
    EXPECT_EQ(keys(u), sorted({"action", "channel_id", "old_channel_id"}));
    EXPECT_EQ(u->getValue<int64_t>("old_channel_id"), kGeneral);
    auto action = u->getObject("action");
    EXPECT_EQ(action->getValue<std::string>("action_name"), "Parent (done)");
    EXPECT_EQ(action->getValue<int>("action_status"), 1);
    EXPECT_EQ(action->getValue<int64_t>("updated_by"), kUser3);
    EXPECT_EQ(action->getValue<std::string>("channel_name"), "General");
    EXPECT_TRUE(action->isNull("parent_id"));
    ASSERT_EQ(action->getArray("children")->size(), 1u);
    EXPECT_EQ(action->getArray("children")->getObject(0)->getValue<int64_t>("id"), child);

    auto deleted = only(world.deleteAction(child), "action.delete");
    EXPECT_EQ(keys(payloadOf(deleted)), sorted({"action_id", "channel_id", "parent_id"}));
    EXPECT_EQ(payloadOf(deleted)->getValue<int64_t>("parent_id"), parent);
    EXPECT_EQ(world.snapshot().actions.size(), 1u);
    EXPECT_TRUE(world.moveAction(kUser3, parent, 0, parent).empty());  // not under itself
    EXPECT_TRUE(world.deleteAction(child).empty());
}

TEST_F(SimWorldReal, TeamMemberEventsGoToEveryMemberTheRemovedOneToo) {
    auto updated = only(world.updateTeamMember(kTeam, kUser3, SimTeamMember::kManager), "team.update_member");
    EXPECT_EQ(sorted(updated.to), kEveryone);
    auto p = payloadOf(updated);
    EXPECT_EQ(keys(p), sorted({"team_id", "member"}));
    EXPECT_EQ(keys(p->getObject("member")),
              sorted({"id", "name", "email", "has_avatar", "updated_on", "online_status", "role", "member_since",
                      "invited_by", "channels_count", "channels_owned", "fs_count", "fs_size"}));
    EXPECT_EQ(p->getObject("member")->getValue<int>("role"), SimTeamMember::kManager);

    auto removed = only(world.removeTeamMember(kTeam, kUser3), "team.remove_member");
    EXPECT_EQ(sorted(removed.to), kEveryone);  // the removed user hears it too
    auto snap = world.snapshot();
    EXPECT_EQ(team(snap).members.size(), 4u);
    EXPECT_TRUE(world.removeTeamMember(kTeam, kUser1).empty());  // the owner stays

    auto added = only(world.addTeamMember(kTeam, kUser3), "team.add_member");
    EXPECT_EQ(sorted(added.to), kEveryone);
    EXPECT_EQ(payloadOf(added)->getObject("member")->getValue<int64_t>("id"), kUser3);
    EXPECT_EQ(payloadOf(added)->getObject("member")->getValue<int>("role"), SimTeamMember::kMember);
    EXPECT_TRUE(world.addTeamMember(kTeam, kUser3).empty());
}

TEST_F(SimWorldReal, TeamUpdateIsNormalisedForEachMember) {
    auto out = world.renameTeam(kTeam, "Renamed Team");
    ASSERT_EQ(out.size(), 5u);
    for (const auto& o : out) {
        ASSERT_EQ(o.to.size(), 1u);
        EXPECT_EQ(eventName(o), "team.update");
        auto t = payloadOf(o)->getObject("team");
        EXPECT_EQ(t->getValue<std::string>("name"), "Renamed Team");
        EXPECT_EQ(t->getValue<std::string>("role"), o.to[0] == kUser1 ? "owner" : "member");
        EXPECT_EQ(t->getValue<int>("members_count"), 5);
        EXPECT_GE(t->getArray("open_channels")->size(), 3u);
    }
    EXPECT_EQ(team(world.snapshot()).name, "Renamed Team");
    EXPECT_TRUE(world.renameTeam(kTeam, "Renamed Team").empty());
}

TEST_F(SimWorldReal, ChannelChangesInTheTeamRaiseTeamChannelEvents) {
    auto created = world.createChannel(kUser2, {kUser3}, "Team Room");
    auto add = only(created, "team.add_channel");
    EXPECT_EQ(sorted(add.to), kEveryone);  // every team member, not only the channel's
    EXPECT_EQ(keys(payloadOf(add)), sorted({"team_id", "channel"}));
    const int64_t id = payloadOf(add)->getObject("channel")->getValue<int64_t>("id");
    only(world.addMember(id, kUser2, kUser1), "team.updated_channel");
    only(world.renameChannel(id, "Team Room 2"), "team.updated_channel");
    only(world.removeMember(id, kUser1, kUser1), "team.updated_channel");
    only(world.removeChannel(id), "team.remove_channel");
}

TEST_F(SimWorldReal, GroupEventsGoToTheOwnerOnlyAndChangeTheGroups) {
    auto created = only(world.createGroup(kUser2, "Mine", {kGeneral}), "channel.group.create");
    EXPECT_EQ(created.to, std::vector<int64_t>{kUser2});
    EXPECT_EQ(keys(payloadOf(created)), sorted({"id", "name", "virtual", "created_on"}));
    const int64_t id = payloadOf(created)->getValue<int64_t>("id");

    auto renamed = only(world.renameGroup(id, "Ours"), "channel.group.update");
    EXPECT_EQ(payloadOf(renamed)->getValue<std::string>("name"), "Ours");

    auto reordered = only(world.moveGroup(id, 0), "channel.group.reorder");
    EXPECT_EQ(reordered.to, std::vector<int64_t>{kUser2});
    auto list = parse(reordered.frame).extract<Poco::JSON::Object::Ptr>()->getArray("payload");
    ASSERT_TRUE(list);  // an array, not an object
    ASSERT_EQ(list->size(), 4u);  // Ours, Projects, then the virtual "all" and "dm"
    EXPECT_EQ(list->getObject(0)->getValue<int64_t>("id"), id);
    EXPECT_EQ(list->getObject(1)->getValue<std::string>("name"), "Projects");
    EXPECT_EQ(list->getObject(2)->getValue<std::string>("id"), "all");
    EXPECT_TRUE(list->getObject(3)->getValue<bool>("virtual"));
    auto snap = world.snapshot();
    for (const auto& g : snap.groups) {
        if (g.userId == kUser2) {
            EXPECT_EQ(g.order, g.id == id ? 1 : 2) << g.name;
        }
    }

    auto deleted = only(world.deleteGroup(id), "channel.group.delete");
    EXPECT_EQ(keys(payloadOf(deleted)), std::vector<std::string>{"id"});
    snap = world.snapshot();
    EXPECT_TRUE(std::none_of(snap.groups.begin(), snap.groups.end(), [&](const SimGroup& g) { return g.id == id; }));
    EXPECT_TRUE(world.renameGroup(id, "x").empty());
}

TEST_F(SimWorldReal, JoinRequestsReachTheChannelOwnerAndApprovalAddsTheMember) {
    world.createChannel(kUser2, {}, "Door");
    const int64_t door = world.snapshot().channels.back().id;
    auto requested = world.requestJoin(kUser3, door);
    auto update = only(requested, "channel.join.update");
    EXPECT_EQ(update.to, std::vector<int64_t>{kUser2});
    auto p = payloadOf(update);
    EXPECT_EQ(keys(p), sorted({"channel_id", "user_id", "pending_members"}));
    ASSERT_EQ(p->getArray("pending_members")->size(), 1u);
    EXPECT_EQ(p->getArray("pending_members")->getObject(0)->getValue<int64_t>("id"), kUser3);
    auto alert = only(requested, "alert.notification");
    EXPECT_EQ(alert.to, std::vector<int64_t>{kUser2});
    EXPECT_EQ(world.snapshot().channels.back().pendingMembers, std::vector<int64_t>{kUser3});
    EXPECT_TRUE(world.requestJoin(kUser3, door).empty());

    auto approved = world.approveJoin(door, kUser3);
    only(approved, "user_added.channel");
    auto after = payloadOf(only(approved, "channel.join.update"));
    EXPECT_EQ(after->getArray("pending_members")->size(), 0u);
    auto channel = world.snapshot().channels.back();
    EXPECT_TRUE(channel.pendingMembers.empty());
    EXPECT_EQ(channel.members, (std::vector<int64_t>{kUser2, kUser3}));

    world.requestJoin(kUser1, door);
    only(world.rejectJoin(door, kUser1), "channel.join.update");
    EXPECT_EQ(world.snapshot().channels.back().members.size(), 2u);
}

TEST_F(SimWorldReal, ReadingAnAlertSendsAlertUpdateToItsUser) {
    world.post(kUser1, kGeneral, "look", kUser2);
    auto alerts = world.snapshot().alerts;
    ASSERT_EQ(alerts.size(), 1u);
    auto out = only(world.readAlert(alerts[0].id), "alert.update");
    EXPECT_EQ(out.to, std::vector<int64_t>{kUser2});
    auto p = payloadOf(out);
    EXPECT_EQ(keys(p), sorted({"alert_id", "alert_type", "from", "message_id", "alert_text", "channel_id", "is_read",
                               "created_on"}));
    EXPECT_TRUE(p->getValue<bool>("is_read"));
    EXPECT_EQ(p->getArray("from")->getObject(0)->getValue<int64_t>("id"), kUser1);
    EXPECT_TRUE(world.snapshot().alerts[0].isRead);
    EXPECT_TRUE(world.readAlert(alerts[0].id).empty());  // already read
}

// kTourSteps + kRealTourSteps ticks with a client connected: every event of this task, each
// frame JSON with meta.api and meta.emitted_on.
TEST(SimChatterReal, TheTourProducesEveryRealOnlyEventOfThisTask) {
    FakeClock clock;
    SimWorldConfig c;
    c.seed = 3;
    c.flavor = SimFlavor::Real;
    SimWorld world(c, clock);
    SimChatter chatter(3);
    world.connect(kUser1);
    std::set<std::string> seen;
    for (int i = 0; i < SimChatter::kTourSteps + SimChatter::kRealTourSteps; ++i) {
        for (const auto& out : chatter.tick(world)) {
            auto frame = frameOf(out);
            seen.insert(frame->getValue<std::string>("event"));
            EXPECT_EQ(frame->getObject("meta")->getValue<std::string>("api"), "v1") << out.frame;
            EXPECT_TRUE(frame->getObject("meta")->has("emitted_on")) << out.frame;
        }
    }
    const auto wanted = realOnlyEvents();
    EXPECT_EQ(wanted.size(), 21u);  // fs 5, team 7, channel.group 4, action 3, join and alert
    for (const auto& event : wanted) {
        EXPECT_TRUE(seen.count(event)) << event;
    }
}

TEST(SimChatterReal, RandomStepsKeepProducingThemAndTheDocFlavourNever) {
    for (auto flavor : {SimFlavor::Real, SimFlavor::Doc}) {
        FakeClock clock;
        SimWorldConfig c;
        c.seed = 11;
        c.flavor = flavor;
        SimWorld world(c, clock);
        SimChatter chatter(11);
        world.connect(kUser1);
        std::set<std::string> tour, later;
        for (int i = 0; i < 1500; ++i) {
            const bool inTour = i < SimChatter::kTourSteps + SimChatter::kRealTourSteps;
            for (const auto& out : chatter.tick(world)) {
                (inTour ? tour : later).insert(eventName(out));
            }
        }
        for (const auto& event : realOnlyEvents()) {
            if (flavor == SimFlavor::Doc) {
                EXPECT_FALSE(tour.count(event) || later.count(event)) << event;
            } else {
                EXPECT_TRUE(later.count(event)) << event << " never after the tour";
            }
        }
    }
}

}  // namespace
}  // namespace rtmtap
