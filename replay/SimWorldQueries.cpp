// SimWorld's reads for the HTTP API: copies of the state one user may see.
#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {

std::optional<SimUser> SimWorld::userByEmail(const std::string& email) const {
    std::lock_guard lock(mutex_);
    for (const auto& [id, u] : users_) {
        if (u.email == email) {
            return u;
        }
    }
    return std::nullopt;
}

std::vector<SimWorld::ChannelView> SimWorld::channelsOf(int64_t userId) const {
    std::lock_guard lock(mutex_);
    std::vector<ChannelView> out;
    for (const auto& c : channels_) {
        if (isMember(c, userId)) {
            out.push_back(viewOf(c, userId));
        }
    }
    return out;
}

std::optional<SimWorld::ChannelView> SimWorld::channelView(int64_t channelId, int64_t userId) const {
    std::lock_guard lock(mutex_);
    for (const auto& c : channels_) {
        if (c.id == channelId) {
            return viewOf(c, userId);
        }
    }
    return std::nullopt;
}

std::vector<SimMessage> SimWorld::messagesBefore(int64_t channelId, int64_t beforeId, int limit) const {
    std::lock_guard lock(mutex_);
    std::vector<SimMessage> out;
    auto it = beforeId > 0 ? messages_.lower_bound(beforeId) : messages_.end();
    while (it != messages_.begin() && (limit <= 0 || static_cast<int>(out.size()) < limit)) {
        --it;
        if (it->second.channelId == channelId) {
            out.push_back(it->second);
        }
    }
    return out;
}

std::vector<SimMessage> SimWorld::messagesFrom(int64_t channelId, int64_t fromId, int limit) const {
    std::lock_guard lock(mutex_);
    std::vector<SimMessage> out;
    for (auto it = messages_.lower_bound(fromId); it != messages_.end(); ++it) {
        if (limit > 0 && static_cast<int>(out.size()) >= limit) {
            break;
        }
        if (it->second.channelId == channelId) {
            out.push_back(it->second);
        }
    }
    return out;
}

std::vector<SimTeamView> SimWorld::teamsOf(int64_t userId) const {
    std::lock_guard lock(mutex_);
    std::vector<SimTeamView> out;
    for (const auto& t : teams_) {
        auto in = [&](const SimTeamMember& m) { return m.userId == userId; };
        if (std::any_of(t.members.begin(), t.members.end(), in)) {
            out.push_back(teamViewOf(t, userId));
        }
    }
    return out;
}

std::optional<SimTeam> SimWorld::team(int64_t teamId) const {
    std::lock_guard lock(mutex_);
    for (const auto& t : teams_) {
        if (t.id == teamId) {
            return t;
        }
    }
    return std::nullopt;
}

std::vector<SimTeamMemberView> SimWorld::teamMembers(int64_t teamId) const {
    std::lock_guard lock(mutex_);
    std::vector<SimTeamMemberView> out;
    auto team = std::find_if(teams_.begin(), teams_.end(), [&](const SimTeam& t) { return t.id == teamId; });
    if (team == teams_.end()) {
        return out;
    }
    for (const auto& m : team->members) {
        if (users_.count(m.userId)) {
            out.push_back(memberViewOf(*team, m));
        }
    }
    return out;
}

std::vector<SimGroup> SimWorld::groupsOf(int64_t userId) const {
    std::lock_guard lock(mutex_);
    std::vector<SimGroup> out;
    std::copy_if(groups_.begin(), groups_.end(), std::back_inserter(out),
                 [&](const SimGroup& g) { return g.userId == userId; });
    std::sort(out.begin(), out.end(), [](const SimGroup& a, const SimGroup& b) { return a.order < b.order; });
    return out;
}

std::vector<SimAlert> SimWorld::alertsOf(int64_t userId) const {
    std::lock_guard lock(mutex_);
    std::vector<SimAlert> out;
    std::copy_if(alerts_.begin(), alerts_.end(), std::back_inserter(out),
                 [&](const SimAlert& a) { return a.userId == userId; });
    return out;
}

std::string SimWorld::eventFrame(const std::string& event, const Poco::JSON::Object& payload) const {
    return events_.frame(event, payload);
}

// The caller holds mutex_.
SimWorld::ChannelView SimWorld::viewOf(const SimChannel& channel, int64_t userId) const {
    ChannelView v;
    v.channel = channel;
    v.members = membersOf(channel);
    v.member = isMember(channel, userId);
    v.unreadCount = v.member ? unreadCount(userId, channel) : 0;
    auto mark = readWatermark_.find({userId, channel.id});
    v.readWatermark = mark == readWatermark_.end() ? 0 : mark->second;
    for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
        if (it->second.channelId == channel.id) {
            if (!v.latest) {
                v.latest = it->second;
            }
            ++v.messageCount;
        }
    }
    for (const auto& g : groups_) {
        if (g.userId == userId && std::find(g.channels.begin(), g.channels.end(), channel.id) != g.channels.end()) {
            v.groupId = g.id;
        }
    }
    for (const auto& t : teams_) {
        v.standardTeam = v.standardTeam || (t.id == channel.teamId && t.teamType == SimTeam::kStandard);
    }
    return v;
}

}  // namespace rtmtap
