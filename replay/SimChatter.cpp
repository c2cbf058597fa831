#include "SimChatter.h"

#include <algorithm>

namespace rtmtap {
namespace {

const char* kPhrases[] = {"shipping the build now",      "can someone review my change?", "lunch?",
                          "the tests are green again",   "I'll take that one",            "meeting moved to 3pm",
                          "see the attached report",     "thanks!",                        "looks good to me",
                          "who owns the release notes?"};
const char* kFiles[] = {"report.pdf", "roadmap.docx", "Screen Shot 2020-04-10 at 1.25.09 PM.png", "budget.xlsx"};
const char* kEmoji[] = {"U 1F600", "U 1F44D", "U 1F389", "U 2764"};

bool contains(const std::vector<int64_t>& ids, int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

SimOutputs SimChatter::tick(SimWorld& world) {
    SimSnapshot snap = world.snapshot();
    if (snap.connected.empty()) {
        // Nobody would see it: the world waits, so the first client gets the whole tour and a
        // seeded run repeats from the first connection on.
        return {};
    }
    const int step = step_++;
    if (step < kTourSteps) {
        return tourStep(world, snap, step);
    }
    if (world.flavor() == SimFlavor::Real && step < kTourSteps + kRealTourSteps) {
        return realTourStep(world, snap, step - kTourSteps);
    }
    return randomStep(world, snap);
}

SimOutputs SimChatter::tourStep(SimWorld& world, const SimSnapshot& snap, int step) {
    const int64_t general = SimWorld::kFirstChannelId;
    const int64_t you = target(snap);
    int64_t actor = snap.users.size() > 1 ? pickOther(snap, you, 0) : you;
    if (tourOther_) {
        actor = tourOther_;  // one actor for the whole tour, so its steps build on each other
    }
    tourOther_ = actor;
    switch (step) {
    case 0: return world.post(actor, general, phrase());
    case 1: return world.typing(actor, general);
    case 2: return world.post(actor, general, "can you look at this?", you);
    case 3: return world.react(actor, lastMessageBy(snap, 0, general), kEmoji[0], true);
    case 4: return world.edit(lastMessageBy(snap, actor, general), "can you look at this? (edited)");
    case 5: return world.setOnline(actor, true);
    case 6: return world.setOnline(actor, false);
    case 7: return world.rename(actor, "Tour Guide");
    case 8: return world.lockFile(actor, general, kFiles[0]);
    case 9: return snap.locks.empty() ? SimOutputs{} : world.releaseLock(snap.locks.back().id);
    case 10: return world.createAction(actor, general, "Review the tour");
    case 11: {
        SimOutputs out = world.createChannel(actor, {you}, "Tour");
        tourChannel_ = world.snapshot().channels.back().id;
        return out;
    }
    case 12: return world.renameChannel(tourChannel_, "Tour (renamed)");
    case 13: return world.addMember(tourChannel_, actor, pickOther(snap, actor, you));
    case 14: {
        for (const auto& c : world.snapshot().channels) {
            if (c.id == tourChannel_ && c.members.size() > 2) {
                return world.removeMember(c.id, c.members.back(), c.members.back());  // the one just added leaves
            }
        }
        return {};
    }
    case 15: return world.readMessage(you, general, lastMessageBy(snap, 0, general));
    case 16: return world.deleteMessage(lastMessageBy(snap, actor, general));
    default: return world.removeChannel(tourChannel_);
    }
}

SimOutputs SimChatter::randomStep(SimWorld& world, const SimSnapshot& snap) {
    // Only the real flavour draws here: the doc flavour's sequence of draws stays as it was.
    if (world.flavor() == SimFlavor::Real && below(100) < 15) {
        return realLife(world, snap, pickActor(snap));
    }
    const int64_t actor = pickActor(snap);
    std::vector<int64_t> mine;
    for (const auto& c : snap.channels) {
        if (contains(c.members, actor)) {
            mine.push_back(c.id);
        }
    }
    const int64_t channel = mine.empty() ? SimWorld::kFirstChannelId : mine[below(mine.size())];
    const uint64_t roll = below(100);
    if (roll < 40) {
        return world.post(actor, channel, phrase());
    }
    if (roll < 50) {
        return world.post(actor, channel, phrase(), pickOther(snap, actor, 0));
    }
    if (roll < 58) {
        return world.typing(actor, channel);
    }
    if (roll < 63) {
        return world.edit(lastMessageBy(snap, actor, channel), phrase());
    }
    if (roll < 66) {
        return world.deleteMessage(lastMessageBy(snap, actor, channel));
    }
    if (roll < 72) {
        return world.react(actor, lastMessageBy(snap, 0, channel), kEmoji[below(4)], below(4) != 0);
    }
    if (roll < 80) {
        auto it = std::find_if(snap.users.begin(), snap.users.end(), [&](const SimUser& u) { return u.id == actor; });
        return world.setOnline(actor, it != snap.users.end() && !it->online);
    }
    if (roll < 83) {
        return world.rename(actor, snap.users[below(snap.users.size())].displayName + " " + std::to_string(below(90) + 10));
    }
    if (roll < 88) {
        return snap.locks.empty() || below(2) ? world.lockFile(actor, channel, kFiles[below(4)])
                                              : world.releaseLock(snap.locks[below(snap.locks.size())].id);
    }
    if (roll < 91) {
        return world.createAction(actor, channel, phrase());
    }
    return channelLife(world, snap, actor);
}

SimOutputs SimChatter::channelLife(SimWorld& world, const SimSnapshot& snap, int64_t actor) {
    const SimChannel& channel = snap.channels[below(snap.channels.size())];
    switch (below(5)) {
    case 0:
        return snap.channels.size() < 8 ? world.createChannel(actor, {pickOther(snap, actor, 0)}, "Project " + std::to_string(below(900) + 100))
                                        : world.removeChannel(channel.id);
    case 1: return world.renameChannel(channel.id, channel.name + "!");
    case 2: return snap.channels.size() > 3 ? world.removeChannel(channel.id) : SimOutputs{};
    case 3:
        if (channel.members.empty()) {
            return {};  // everyone left it: nobody can add anyone (a run would crash here before)
        }
        return world.addMember(channel.id, channel.members.front(), pickOther(snap, 0, 0));
    default: {
        if (channel.members.empty()) {
            return {};
        }
        int64_t member = channel.members[below(channel.members.size())];
        return contains(snap.connected, member) ? SimOutputs{} : world.removeMember(channel.id, member, member);
    }
    }
}

// The real flavour's tour: each event real traffic carries beyond the document once, the
// document tour's actor acting, group events for the connected user (they go to the owner only).
SimOutputs SimChatter::realTourStep(SimWorld& world, const SimSnapshot& snap, int step) {
    const int64_t general = SimWorld::kFirstChannelId;
    const int64_t you = target(snap);
    const int64_t actor = tourOther_ ? tourOther_ : you;
    const std::string root = world.filesRoot(general);
    auto fileAt = [&](const std::string& path) {
        auto it = std::find_if(snap.files.begin(), snap.files.end(), [&](const SimFile& f) { return f.path == path; });
        return it == snap.files.end() ? int64_t{0} : it->id;
    };
    auto lastAction = [&](int back) {
        std::vector<int64_t> ids;
        for (const auto& a : snap.actions) {
            if (a.channelId == general) {
                ids.push_back(a.id);
            }
        }
        return static_cast<int>(ids.size()) > back ? ids[ids.size() - 1 - back] : int64_t{0};
    };
    auto lastGroup = [&] {
        int64_t id = 0;
        for (const auto& g : snap.groups) {
            id = g.userId == you ? g.id : id;
        }
        return id;
    };
    switch (step) {
    case 0: return world.createFolder(actor, general, "Specs");
    case 1: return world.addFile(actor, general, kFiles[1], 24576);
    case 2: return world.moveFile(actor, fileAt(root + "/" + kFiles[1]), root + "/Specs/" + kFiles[1]);
    case 3: return world.copyFile(actor, fileAt(root + "/Specs/" + kFiles[1]), root + "/" + kFiles[1]);
    case 4: return world.deleteFile(actor, fileAt(root + "/" + kFiles[1]));
    case 5: return world.updateAction(actor, lastAction(0), "Review the tour (done)", 1);
    case 6: return world.createAction(actor, general, "Write the tour notes");
    case 7: return world.moveAction(actor, lastAction(0), 0, lastAction(1));  // a subtask of the first
    case 8: return world.deleteAction(lastAction(0));
    case 9: return world.updateTeamMember(SimWorld::kSharedTeamId, actor, SimTeamMember::kManager);
    case 10: return world.removeTeamMember(SimWorld::kSharedTeamId, actor);
    case 11: return world.addTeamMember(SimWorld::kSharedTeamId, actor);
    case 12: return world.renameTeam(SimWorld::kSharedTeamId, "Example Team (toured)");
    case 13: return world.createGroup(you, "Tour", {general});
    case 14: return world.renameGroup(lastGroup(), "Tour (renamed)");
    case 15: return world.moveGroup(lastGroup(), 0);
    case 16: return world.deleteGroup(lastGroup());
    case 17: {
        SimOutputs out = world.createChannel(you, {}, "Open Door");
        tourChannel_ = world.snapshot().channels.back().id;
        return out;
    }
    case 18: return world.requestJoin(actor, tourChannel_);
    case 19: return world.approveJoin(tourChannel_, actor);
    default: {
        for (auto it = snap.alerts.rbegin(); it != snap.alerts.rend(); ++it) {
            if (it->userId == you && !it->isRead) {
                return world.readAlert(it->id);
            }
        }
        return {};
    }
    }
}

SimOutputs SimChatter::realLife(SimWorld& world, const SimSnapshot& snap, int64_t actor) {
    std::vector<int64_t> mine;
    for (const auto& c : snap.channels) {
        if (contains(c.members, actor)) {
            mine.push_back(c.id);
        }
    }
    const int64_t channel = mine.empty() ? SimWorld::kFirstChannelId : mine[below(mine.size())];
    switch (below(6)) {
    case 0: return fileLife(world, snap, actor, channel);
    case 1: return actionLife(world, snap, actor, channel);
    case 2: return teamLife(world, snap);
    case 3: return groupLife(world, snap, below(2) ? actor : target(snap));
    case 4: return joinLife(world, snap);
    default: {
        std::vector<int64_t> unread;
        for (const auto& a : snap.alerts) {
            if (!a.isRead) {
                unread.push_back(a.id);
            }
        }
        return unread.empty() ? SimOutputs{} : world.readAlert(unread[below(unread.size())]);
    }
    }
}

SimOutputs SimChatter::fileLife(SimWorld& world, const SimSnapshot& snap, int64_t actor, int64_t channel) {
    std::vector<SimFile> files;
    for (const auto& f : snap.files) {
        if (f.channelId == channel) {
            files.push_back(f);
        }
    }
    const std::string root = world.filesRoot(channel);
    const std::string name = kFiles[below(4)];
    if (files.empty() || below(3) == 0) {
        return below(4) ? world.addFile(actor, channel, name, static_cast<int64_t>(below(1 << 20)) + 1)
                        : world.createFolder(actor, channel, "Folder " + std::to_string(below(90) + 10));
    }
    const SimFile& file = files[below(files.size())];
    switch (below(3)) {
    case 0: return world.moveFile(actor, file.id, root + "/" + std::to_string(below(90) + 10) + " " + name);
    case 1: return world.copyFile(actor, file.id, root + "/copy " + std::to_string(below(90) + 10) + " " + name);
    default: return world.deleteFile(actor, file.id);
    }
}

SimOutputs SimChatter::actionLife(SimWorld& world, const SimSnapshot& snap, int64_t actor, int64_t channel) {
    std::vector<SimAction> actions;
    for (const auto& a : snap.actions) {
        if (a.channelId == channel) {
            actions.push_back(a);
        }
    }
    if (actions.empty()) {
        return world.createAction(actor, channel, phrase());
    }
    const SimAction& action = actions[below(actions.size())];
    const SimAction& other = actions[below(actions.size())];
    switch (below(3)) {
    case 0: return world.updateAction(actor, action.id, phrase(), static_cast<int>(below(2)));
    case 1: return world.moveAction(actor, action.id, below(2) ? 0 : other.id, below(2) ? 0 : other.id);
    default: return world.deleteAction(action.id);
    }
}

SimOutputs SimChatter::teamLife(SimWorld& world, const SimSnapshot& snap) {
    const int64_t team = SimWorld::kSharedTeamId;
    const int64_t user = snap.users[below(snap.users.size())].id;
    const SimTeam* shared = nullptr;
    for (const auto& t : snap.teams) {
        shared = t.id == team ? &t : shared;
    }
    const bool member = shared && std::any_of(shared->members.begin(), shared->members.end(),
                                              [&](const SimTeamMember& m) { return m.userId == user; });
    if (!member) {
        return world.addTeamMember(team, user);
    }
    switch (below(3)) {
    case 0: return world.updateTeamMember(team, user, below(2) ? SimTeamMember::kManager : SimTeamMember::kMember);
    case 1: return world.removeTeamMember(team, user);
    default: return world.renameTeam(team, "Example Team " + std::to_string(below(90) + 10));
    }
}

SimOutputs SimChatter::groupLife(SimWorld& world, const SimSnapshot& snap, int64_t owner) {
    std::vector<int64_t> groups;
    for (const auto& g : snap.groups) {
        if (g.userId == owner) {
            groups.push_back(g.id);
        }
    }
    if (groups.size() < 2 || below(4) == 0) {
        const SimChannel& channel = snap.channels[below(snap.channels.size())];
        return world.createGroup(owner, "Group " + std::to_string(below(90) + 10), {channel.id});
    }
    const int64_t group = groups[below(groups.size())];
    switch (below(3)) {
    case 0: return world.renameGroup(group, "Group " + std::to_string(below(90) + 10));
    case 1: return world.moveGroup(group, below(2) ? 0 : groups[below(groups.size())]);
    default: return world.deleteGroup(group);
    }
}

SimOutputs SimChatter::joinLife(SimWorld& world, const SimSnapshot& snap) {
    const SimChannel& channel = snap.channels[below(snap.channels.size())];
    if (!channel.pendingMembers.empty()) {
        const int64_t user = channel.pendingMembers[below(channel.pendingMembers.size())];
        return below(2) ? world.approveJoin(channel.id, user) : world.rejectJoin(channel.id, user);
    }
    return world.requestJoin(pickOther(snap, 0, 0), channel.id);
}

// A user without a live connection when there is one: clients act for themselves.
int64_t SimChatter::pickActor(const SimSnapshot& snap) {
    std::vector<int64_t> idle;
    for (const auto& u : snap.users) {
        if (!contains(snap.connected, u.id)) {
            idle.push_back(u.id);
        }
    }
    if (idle.empty()) {
        return snap.users[below(snap.users.size())].id;
    }
    return idle[below(idle.size())];
}

int64_t SimChatter::pickOther(const SimSnapshot& snap, int64_t a, int64_t b) {
    std::vector<int64_t> others;
    for (const auto& u : snap.users) {
        if (u.id != a && u.id != b && !contains(snap.connected, u.id)) {
            others.push_back(u.id);
        }
    }
    if (others.empty()) {
        for (const auto& u : snap.users) {
            if (u.id != a && u.id != b) {
                others.push_back(u.id);
            }
        }
    }
    return others.empty() ? a : others[below(others.size())];
}

// The tour is aimed at a connected user (user1 when nobody is connected).
int64_t SimChatter::target(const SimSnapshot& snap) const {
    return snap.connected.empty() ? SimWorld::kFirstUserId + 1 : snap.connected.front();
}

// The newest message in the channel (by userId, or by anyone when userId is 0), else 0.
int64_t SimChatter::lastMessageBy(const SimSnapshot& snap, int64_t userId, int64_t channelId) const {
    for (auto it = snap.recent.rbegin(); it != snap.recent.rend(); ++it) {
        if (it->channelId == channelId && it->messageType != 5 && (userId == 0 || it->userId == userId)) {
            return it->id;
        }
    }
    return 0;
}

std::string SimChatter::phrase() {
    return kPhrases[below(sizeof kPhrases / sizeof kPhrases[0])];
}

}  // namespace rtmtap
