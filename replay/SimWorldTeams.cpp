// SimWorld's teams: the real flavour's team.add_member, team.update_member, team.remove_member,
// team.update and the team channel events (team.add_channel, team.updated_channel,
// team.remove_channel) that channel changes raise in a standard team. Payloads as
// NormalizedObjectFactory builds them; recipients as NotificationManager routes them: every
// member of the team (a removed member too; the simulated team's channels are all open for team
// join, so no event is kept to managers only).
#include "SimApiObjects.h"
#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {
namespace {

SimTeamMember* findMember(SimTeam& team, int64_t userId) {
    auto it = std::find_if(team.members.begin(), team.members.end(), [&](const SimTeamMember& m) { return m.userId == userId; });
    return it == team.members.end() ? nullptr : &*it;
}

}  // namespace

SimOutputs SimWorld::addTeamMember(int64_t teamId, int64_t userId) {
    std::lock_guard lock(mutex_);
    SimTeam* team = findTeam(teamId);
    if (!team || team->teamType == SimTeam::kSelf || !findUser(userId) || findMember(*team, userId)) {
        return {};
    }
    team->members.push_back({userId, SimTeamMember::kMember});
    return teamMemberEvent(*team, team->members.back(), "team.add_member", teamMemberIds(*team));
}

SimOutputs SimWorld::updateTeamMember(int64_t teamId, int64_t userId, int role) {
    std::lock_guard lock(mutex_);
    SimTeam* team = findTeam(teamId);
    SimTeamMember* member = team ? findMember(*team, userId) : nullptr;
    const bool validRole = role == SimTeamMember::kManager || role == 20 || role == SimTeamMember::kMember;
    if (!member || member->role == SimTeamMember::kOwner || !validRole || member->role == role) {
        return {};  // the owner stays owner; nothing changes, nothing is sent
    }
    member->role = role;
    return teamMemberEvent(*team, *member, "team.update_member", teamMemberIds(*team));
}

// The real backend also takes the user out of the team's channels; the simulator keeps the
// channels (General holds everyone) and only the team membership changes.
SimOutputs SimWorld::removeTeamMember(int64_t teamId, int64_t userId) {
    std::lock_guard lock(mutex_);
    SimTeam* team = findTeam(teamId);
    SimTeamMember* member = team ? findMember(*team, userId) : nullptr;
    if (!member || member->role >= SimTeamMember::kOwner) {
        return {};  // "kicked can't be owner of the team"
    }
    const SimTeamMember removed = *member;
    const std::vector<int64_t> to = teamMemberIds(*team);  // the removed member included
    SimOutputs out = teamMemberEvent(*team, removed, "team.remove_member", to);
    team->members.erase(team->members.begin() + (member - team->members.data()));
    return out;
}

SimOutputs SimWorld::renameTeam(int64_t teamId, const std::string& name) {
    std::lock_guard lock(mutex_);
    SimTeam* team = findTeam(teamId);
    if (!team || name.empty() || team->name == name) {
        return {};  // "Nothing to update"
    }
    team->name = name;
    // team.update is normalised for each recipient (their role, the channels they joined).
    SimOutputs out;
    for (int64_t id : teamMemberIds(*team)) {
        auto payload = SimEvents::object();
        payload->set("team", SimApiObjects::team(teamViewOf(*team, id), false));
        out.push_back({{id}, events_.frame("team.update", *payload)});
    }
    return out;
}

// --- helpers (the caller holds mutex_) ---

SimOutputs SimWorld::teamChannelEvent(const SimChannel& channel, const std::string& event) const {
    if (flavor() != SimFlavor::Real) {
        return {};  // not in the document
    }
    auto team = std::find_if(teams_.begin(), teams_.end(), [&](const SimTeam& t) { return t.id == channel.teamId; });
    if (team == teams_.end() || team->teamType == SimTeam::kSelf) {
        return {};  // the backend raises team channel events for standard teams only
    }
    auto payload = SimEvents::object();
    payload->set("team_id", team->id);
    payload->set("channel", SimApiObjects::channel(viewOf(channel, 0), nullptr));  // normalizedChannel($channel)
    return toUsers(teamMemberIds(*team), events_.frame(event, *payload));
}

SimOutputs SimWorld::teamMemberEvent(const SimTeam& team, const SimTeamMember& member, const std::string& event,
                                     std::vector<int64_t> to) const {
    auto payload = SimEvents::object();
    payload->set("team_id", team.id);
    payload->set("member", SimApiObjects::teamMember(memberViewOf(team, member)));
    return toUsers(to, events_.frame(event, *payload));
}

// normalizedTeamMember's figures: the team's channels the user is in and owns, and the files of
// those they own.
SimTeamMemberView SimWorld::memberViewOf(const SimTeam& team, const SimTeamMember& member) const {
    SimTeamMemberView v;
    v.member = member;
    v.user = users_.at(member.userId);
    v.teamId = team.id;
    v.memberSince = team.createdTs;
    v.invitedBy = team.createdBy;
    for (const auto& c : channels_) {
        if (c.teamId != team.id) {
            continue;
        }
        v.channels += isMember(c, member.userId) ? 1 : 0;
        if (c.createdBy != member.userId) {
            continue;
        }
        ++v.channelsOwned;
        for (const auto& f : files_) {
            v.fsCount += f.channelId == c.id ? 1 : 0;
            v.fsSize += f.channelId == c.id ? f.size : 0;
        }
    }
    return v;
}

// normalizedTeam for one user: their role and the team's channels (all open for team join).
SimTeamView SimWorld::teamViewOf(const SimTeam& team, int64_t userId) const {
    SimTeamView v;
    v.team = team;
    for (const auto& m : team.members) {
        v.role = m.userId == userId ? m.role : v.role;
    }
    for (const auto& c : channels_) {
        if (c.teamId == team.id) {
            v.openChannels.push_back({c.id, c.name, static_cast<int64_t>(c.members.size()), isMember(c, userId)});
        }
    }
    return v;
}

std::vector<int64_t> SimWorld::teamMemberIds(const SimTeam& team) const {
    std::vector<int64_t> out;
    for (const auto& m : team.members) {
        out.push_back(m.userId);
    }
    return out;
}

SimOutputs SimWorld::toUsers(const std::vector<int64_t>& users, std::string frame) {
    if (users.empty()) {
        return {};
    }
    return {{users, std::move(frame)}};
}

SimTeam* SimWorld::findTeam(int64_t id) {
    auto it = std::find_if(teams_.begin(), teams_.end(), [&](const SimTeam& t) { return t.id == id; });
    return it == teams_.end() ? nullptr : &*it;
}

}  // namespace rtmtap
