// SimWorld's join requests and alert reads: the real flavour's channel.join.update, sent to the
// channel's managers (here its owner, the creator) as NotificationManager::onChannelJoinUpdateEvent
// does, with the alert a request raises for them; and alert.update, sent to the alert's user
// when it is read (NotificationFilter::notifyAlert).
#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {
namespace {

bool contains(const std::vector<int64_t>& ids, int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

SimOutputs SimWorld::requestJoin(int64_t userId, int64_t channelId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    SimUser* user = findUser(userId);
    if (!channel || !user || isMember(*channel, userId) || contains(channel->pendingMembers, userId)) {
        return {};  // "You already requested to join this channel"
    }
    channel->pendingMembers.push_back(userId);
    SimOutputs out = joinUpdate(*channel, userId);
    if (!isMember(*channel, channel->createdBy)) {
        return out;  // no manager left to alert
    }
    const SimAlert& alert = storeAlert({nextAlertId_++, channel->createdBy, userId, channelId, 0,
                                        user->displayName + " is asking to join " + channel->name + ".", false,
                                        nowUnix()});
    out.push_back({{alert.userId}, events_.frame("alert.notification", *events_.alertEvent(alert, {*user}))});
    return out;
}

SimOutputs SimWorld::approveJoin(int64_t channelId, int64_t userId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || !contains(channel->pendingMembers, userId) || !isMember(*channel, channel->createdBy)) {
        return {};  // "There is no join request for this user on this channel"
    }
    auto& pending = channel->pendingMembers;
    pending.erase(std::find(pending.begin(), pending.end(), userId));
    // As the backend: the user joins (user_added.channel and its bot message), then the managers
    // get the shorter waiting list.
    SimOutputs out = addMemberLocked(*channel, channel->createdBy, userId);
    SimOutputs update = joinUpdate(*channel, userId);
    out.insert(out.end(), update.begin(), update.end());
    return out;
}

SimOutputs SimWorld::rejectJoin(int64_t channelId, int64_t userId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || !contains(channel->pendingMembers, userId)) {
        return {};
    }
    auto& pending = channel->pendingMembers;
    pending.erase(std::find(pending.begin(), pending.end(), userId));
    return joinUpdate(*channel, userId);
}

SimOutputs SimWorld::readAlert(int64_t alertId) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(alerts_.begin(), alerts_.end(), [&](const SimAlert& a) { return a.id == alertId; });
    if (it == alerts_.end() || it->isRead) {
        return {};
    }
    it->isRead = true;
    std::vector<SimUser> from;
    if (const SimUser* issuer = findUser(it->fromUserId)) {
        from.push_back(*issuer);
    }
    return {{{it->userId}, events_.frame("alert.update", *events_.alertEvent(*it, from))}};
}

// --- helpers (the caller holds mutex_) ---

// {channel_id, user_id, pending_members} to the channel's managers: its creator while a member.
SimOutputs SimWorld::joinUpdate(const SimChannel& channel, int64_t userId) const {
    if (!isMember(channel, channel.createdBy)) {
        return {};
    }
    Poco::JSON::Array::Ptr pending = new Poco::JSON::Array;
    for (int64_t id : channel.pendingMembers) {
        // ChannelJoinUpdateEvent carries the pending users' records as they are, not normalised:
        // the owner sees e-mails.
        pending->add(SimEvents::documentUser(users_.at(id)));
    }
    auto payload = SimEvents::object();
    payload->set("channel_id", channel.id);
    payload->set("user_id", userId);
    payload->set("pending_members", pending);
    return {{{channel.createdBy}, events_.frame("channel.join.update", *payload)}};
}

}  // namespace rtmtap
