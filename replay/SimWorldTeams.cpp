// SimWorld's teams: the real flavour's team.add_member, team.update_member, team.remove_member,
// team.update and the team channel events (team.add_channel, team.updated_channel,
// team.remove_channel) that channel changes raise in a standard team. Payloads as
// NormalizedObjectFactory builds them; recipients as NotificationManager routes them: every
// member of the team (a removed member too; the simulated team's channels are all open for team
// join, so no event is kept to managers only).
#include "SimJwt.h"
#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {
namespace {

const char* roleName(int role) {
    switch (role) {
    case SimTeamMember::kOwner: return "owner";
    case SimTeamMember::kManager: return "manager";
    case 20: return "collaborator";
    default: return "member";
    }
}

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
        payload->set("team", teamFor(*team, id));
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
    payload->set("channel", events_.channel(channel, membersOf(channel), false));
    return toUsers(teamMemberIds(*team), events_.frame(event, *payload));
}

SimOutputs SimWorld::teamMemberEvent(const SimTeam& team, const SimTeamMember& member, const std::string& event,
                                     std::vector<int64_t> to) const {
    const SimUser& user = users_.at(member.userId);
    int channels = 0, owned = 0, fsCount = 0;
    int64_t fsSize = 0;
    for (const auto& c : channels_) {
        if (c.teamId != team.id) {
            continue;
        }
        channels += isMember(c, user.id) ? 1 : 0;
        if (c.createdBy == user.id) {
            ++owned;
            for (const auto& f : files_) {
                fsCount += f.channelId == c.id ? 1 : 0;
                fsSize += f.channelId == c.id ? f.size : 0;
            }
        }
    }
    auto m = SimEvents::object();
    m->set("id", user.id);
    m->set("name", user.displayName);
    m->set("email", user.email);
    m->set("has_avatar", user.hasAvatar);
    m->set("updated_on", SimJwt::formatTime(user.lastActiveTs));
    m->set("online_status", user.online);
    m->set("role", member.role);
    m->set("member_since", SimJwt::formatTime(team.createdTs));
    m->set("invited_by", team.createdBy);
    m->set("channels_count", channels);
    m->set("channels_owned", owned);
    m->set("fs_count", fsCount);
    m->set("fs_size", fsSize);
    auto payload = SimEvents::object();
    payload->set("team_id", team.id);
    payload->set("member", m);
    return toUsers(to, events_.frame(event, *payload));
}

// NormalizedObjectFactory::normalizedTeam for one user, without the managers' storage figures.
Poco::JSON::Object::Ptr SimWorld::teamFor(const SimTeam& team, int64_t userId) const {
    int role = 0;
    for (const auto& m : team.members) {
        role = m.userId == userId ? m.role : role;
    }
    auto obj = SimEvents::object();
    obj->set("id", team.id);
    obj->set("name", team.name);
    obj->set("members_count", static_cast<int64_t>(team.members.size()));
    obj->set("role_id", role);
    obj->set("role", roleName(role));
    obj->set("tag_color", Poco::Dynamic::Var());
    obj->set("announcements", Poco::Dynamic::Var());
    Poco::JSON::Array::Ptr open = new Poco::JSON::Array;
    for (const auto& c : channels_) {
        if (c.teamId == team.id) {
            auto item = SimEvents::object();
            item->set("id", c.id);
            item->set("name", c.name);
            item->set("blurb", "");
            item->set("has_logo", false);
            item->set("members_count", static_cast<int64_t>(c.members.size()));
            item->set("has_joined", isMember(c, userId));
            open->add(item);
        }
    }
    obj->set("open_channels", open);
    return obj;
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
