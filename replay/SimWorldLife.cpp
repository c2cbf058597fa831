// SimWorld's background actions and the helpers that turn changes into events.
#include "SimJwt.h"
#include "SimWorld.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <utility>

namespace rtmtap {

SimOutputs SimWorld::post(int64_t userId, int64_t channelId, const std::string& text, int64_t mentionUserId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    SimUser* author = findUser(userId);
    if (!channel || !author || !isMember(*channel, userId)) {
        return {};
    }
    SimUser* mentioned = mentionUserId ? findUser(mentionUserId) : nullptr;
    std::string content = mentioned ? "@" + std::to_string(mentionUserId) + " " + text : text;
    SimMessage& message = addMessage(userId, channelId, content);
    auto payload = SimEvents::object();
    payload->set("message", events_.postedMessage(message, channel->name));
    SimOutputs out = toChannel(*channel, "chat.postMessage", *payload);
    if (mentioned && isMember(*channel, mentionUserId)) {
        const SimAlert& stored = storeAlert({nextAlertId_++, mentionUserId, userId, channelId, message.id,
                                             "... " + author->displayName + " : " + content.substr(0, 40) + " ...",
                                             false, message.createdTs});
        auto alert = events_.alertEvent(stored, {*author});
        out.push_back({{mentionUserId}, events_.frame("alert.notification", *alert)});
    }
    return out;
}

SimOutputs SimWorld::edit(int64_t messageId, const std::string& text) {
    std::lock_guard lock(mutex_);
    SimMessage* message = findMessage(messageId);
    if (!message || message->messageType == 5) {
        return {};
    }
    message->text = text;
    message->edited = true;
    return messageUpdated(*message);
}

SimOutputs SimWorld::deleteMessage(int64_t messageId) {
    std::lock_guard lock(mutex_);
    SimMessage* message = findMessage(messageId);
    SimChannel* channel = message ? findChannel(message->channelId) : nullptr;
    if (!channel) {
        return {};
    }
    auto payload = SimEvents::object();
    payload->set("message_id", messageId);
    payload->set("channel_id", channel->id);
    messages_.erase(messageId);
    return toChannel(*channel, "chat.deleteMessage", *payload);
}

SimOutputs SimWorld::setOnline(int64_t userId, bool online) {
    std::lock_guard lock(mutex_);
    SimUser* u = findUser(userId);
    if (!u || u->online == online || connections_.count(userId)) {
        return {};  // a user with live connections is online because of them
    }
    u->online = online;
    u->lastActiveTs = nowUnix();
    return perChannelUserEvent(*u, online ? "user.online" : "user.offline");
}

SimOutputs SimWorld::rename(int64_t userId, const std::string& displayName) {
    std::lock_guard lock(mutex_);
    SimUser* u = findUser(userId);
    if (!u) {
        return {};
    }
    u->displayName = displayName;
    u->hasAvatar = !u->hasAvatar;
    return perChannelUserEvent(*u, "user.profileUpdate");
}

SimOutputs SimWorld::lockFile(int64_t userId, int64_t channelId, const std::string& fileName) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || !isMember(*channel, userId)) {
        return {};
    }
    SimLock l{nextLockId_++, channelId, userId, "/cf/" + std::to_string(channel->filesRoot) + "/attachments/" + fileName};
    locks_.push_back(l);
    auto payload = SimEvents::object();
    payload->set("lock_id", l.id);
    payload->set("channel_id", l.channelId);
    payload->set("user_id", l.userId);
    payload->set("path", l.path);
    return toChannel(*channel, "lock.acquire", *payload);
}

SimOutputs SimWorld::releaseLock(int64_t lockId) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(locks_.begin(), locks_.end(), [&](const SimLock& l) { return l.id == lockId; });
    SimChannel* channel = it == locks_.end() ? nullptr : findChannel(it->channelId);
    if (!channel) {
        return {};
    }
    auto payload = SimEvents::object();
    payload->set("lock_id", it->id);
    payload->set("channel_id", it->channelId);
    payload->set("user_id", it->userId);
    payload->set("path", it->path);
    locks_.erase(it);
    return toChannel(*channel, "lock.release", *payload);
}

SimOutputs SimWorld::createAction(int64_t userId, int64_t channelId, const std::string& name) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || !isMember(*channel, userId)) {
        return {};
    }
    SimAction action;
    action.id = nextActionId_++;
    action.channelId = channelId;
    action.name = name;
    action.desc = "created by the simulator";
    action.createdBy = userId;
    action.createdTs = nowUnix();
    action.dueTs = action.createdTs + 86400;
    actions_.push_back(action);
    if (actions_.size() > 1000) {
        actions_.erase(actions_.begin());  // bounded memory for long runs
    }
    return actionCreated(action);
}

SimOutputs SimWorld::createChannel(int64_t creator, const std::vector<int64_t>& members, const std::string& name) {
    std::lock_guard lock(mutex_);
    if (!findUser(creator)) {
        return {};
    }
    SimChannel c;
    c.id = nextChannelId_++;
    c.name = name;
    c.email = "chan_" + randomString(rng_, 6) + "@airsendmail.com";
    c.createdBy = creator;
    c.createdTs = c.lastActiveTs = nowUnix();
    c.filesRoot = nextRootId_++;
    c.wikiRoot = nextRootId_++;
    c.teamId = kSharedTeamId;
    c.members.push_back(creator);
    for (int64_t id : members) {
        if (findUser(id) && !isMember(c, id)) {
            c.members.push_back(id);
        }
    }
    channels_.push_back(c);
    auto payload = SimEvents::object();
    payload->set("channel", events_.channel(viewOf(c, 0), false));
    SimOutputs out = toChannel(c, "channel.create", *payload);
    SimOutputs team = teamChannelEvent(c, "team.add_channel");
    out.insert(out.end(), team.begin(), team.end());
    return out;
}

SimOutputs SimWorld::renameChannel(int64_t channelId, const std::string& name) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel) {
        return {};
    }
    channel->name = name;
    channel->lastActiveTs = nowUnix();
    auto payload = SimEvents::object();
    payload->set("channel", events_.channel(viewOf(*channel, 0), true));
    SimOutputs out = toChannel(*channel, "channel.update", *payload);
    SimOutputs team = teamChannelEvent(*channel, "team.updated_channel");
    out.insert(out.end(), team.begin(), team.end());
    return out;
}

SimOutputs SimWorld::removeChannel(int64_t channelId) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(channels_.begin(), channels_.end(), [&](const SimChannel& c) { return c.id == channelId; });
    if (it == channels_.end() || it->id == kFirstChannelId) {
        return {};  // "General" stays: every user keeps a channel to see traffic in
    }
    auto payload = SimEvents::object();
    payload->set("channel_id", channelId);
    SimOutputs out = toChannel(*it, "channel.remove", *payload);
    SimOutputs team = teamChannelEvent(*it, "team.remove_channel");
    out.insert(out.end(), team.begin(), team.end());
    // What lived in the channel goes with it (channel.group.list, the chatter's next picks).
    for (auto& g : groups_) {
        g.channels.erase(std::remove(g.channels.begin(), g.channels.end(), channelId), g.channels.end());
    }
    actions_.erase(std::remove_if(actions_.begin(), actions_.end(), [&](const SimAction& a) { return a.channelId == channelId; }),
                   actions_.end());
    files_.erase(std::remove_if(files_.begin(), files_.end(), [&](const SimFile& f) { return f.channelId == channelId; }),
                 files_.end());
    channels_.erase(it);
    return out;
}

SimOutputs SimWorld::addMember(int64_t channelId, int64_t byUserId, int64_t userId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    SimUser* added = findUser(userId);
    if (!channel || !added || isMember(*channel, userId) || !isMember(*channel, byUserId)) {
        return {};
    }
    return addMemberLocked(*channel, byUserId, userId);
}

SimOutputs SimWorld::addMemberLocked(SimChannel& channel, int64_t byUserId, int64_t userId) {
    const int64_t channelId = channel.id;
    const SimUser* added = findUser(userId);
    channel.members.push_back(userId);
    auto payload = SimEvents::object();
    payload->set("channel_id", channelId);
    payload->set("user", events_.user(*added));
    SimOutputs out = toChannel(channel, "user_added.channel", *payload);
    std::string text = "@" + std::to_string(byUserId) + " has added @" + std::to_string(userId) + " to this channel";
    SimOutputs bot = botMessage(channelId, 2, text);
    out.insert(out.end(), bot.begin(), bot.end());
    SimOutputs team = teamChannelEvent(channel, "team.updated_channel");
    out.insert(out.end(), team.begin(), team.end());
    return out;
}

SimOutputs SimWorld::removeMember(int64_t channelId, int64_t byUserId, int64_t userId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || channel->id == kFirstChannelId || !isMember(*channel, userId) || !isMember(*channel, byUserId)) {
        return {};
    }
    auto payload = SimEvents::object();
    payload->set("removed_user_id", userId);
    payload->set("removed_by_user_id", byUserId);
    payload->set("channel_id", channelId);
    SimOutputs out = toChannel(*channel, "user_removed.channel", *payload);  // the removed user hears it too
    channel->members.erase(std::find(channel->members.begin(), channel->members.end(), userId));
    std::string text = byUserId == userId ? "@" + std::to_string(userId) + " has left this channel"
                                          : "@" + std::to_string(byUserId) + " has removed @" + std::to_string(userId) +
                                                " from this channel";
    SimOutputs bot = botMessage(channelId, 3, text);
    out.insert(out.end(), bot.begin(), bot.end());
    SimOutputs team = teamChannelEvent(*channel, "team.updated_channel");
    out.insert(out.end(), team.begin(), team.end());
    for (auto& g : groups_) {
        if (g.userId == userId) {
            g.channels.erase(std::remove(g.channels.begin(), g.channels.end(), channelId), g.channels.end());
        }
    }
    return out;
}

// --- helpers (the caller holds mutex_) ---

SimMessage& SimWorld::addMessage(int64_t userId, int64_t channelId, const std::string& text) {
    SimMessage m;
    m.id = nextMessageId_++;
    m.userId = userId;
    m.channelId = channelId;
    SimUser* u = findUser(userId);
    m.displayName = u ? u->displayName : "AirBot";
    m.text = text;
    m.createdTs = nowUnix();
    if (messages_.size() >= 5000) {
        messages_.erase(messages_.begin());  // bounded memory for long runs
    }
    if (SimChannel* channel = findChannel(channelId)) {
        channel->lastActiveTs = m.createdTs;
    }
    return messages_[m.id] = m;
}

const SimAlert& SimWorld::storeAlert(SimAlert alert) {
    alerts_.push_back(std::move(alert));
    if (alerts_.size() > 1000) {
        alerts_.erase(alerts_.begin());  // bounded memory for long runs
    }
    return alerts_.back();
}

SimOutputs SimWorld::botMessage(int64_t channelId, int botType, const std::string& text) {
    SimMessage& m = addMessage(kBotUserId, channelId, text);
    m.messageType = 5;
    m.botType = botType;
    const SimChannel& channel = *findChannel(channelId);
    auto payload = SimEvents::object();
    payload->set("message", events_.postedMessage(m, channel.name));
    return toChannel(channel, "chat.postMessage", *payload);
}

SimOutputs SimWorld::toChannel(const SimChannel& channel, const std::string& event, const Poco::JSON::Object& payload,
                               int64_t except) const {
    SimOutput out;
    for (int64_t id : channel.members) {
        if (id != except) {
            out.to.push_back(id);
        }
    }
    out.frame = events_.frame(event, payload);
    return {out};
}

SimOutputs SimWorld::perChannelUserEvent(const SimUser& user, const std::string& event) const {
    SimOutputs out;
    for (const auto& channel : channels_) {
        if (isMember(channel, user.id)) {
            auto payload = SimEvents::object();
            payload->set("user", events_.user(user));
            payload->set("channel_id", channel.id);
            SimOutputs one = toChannel(channel, event, *payload);
            out.insert(out.end(), one.begin(), one.end());
        }
    }
    return out;
}

SimOutputs SimWorld::unreadUpdate(int64_t userId, const SimChannel& channel) const {
    int64_t total = 0;
    for (const auto& c : channels_) {
        total += isMember(c, userId) ? unreadCount(userId, c) : 0;
    }
    int64_t oldest = 0;
    const int64_t unread = unreadCount(userId, channel, &oldest);
    auto payload = SimEvents::object();
    if (flavor() == SimFlavor::Real) {
        // Real traffic: channel.updateReadStatus, to every member of the channel.
        auto it = readWatermark_.find({userId, channel.id});
        payload->set("user_id", userId);
        payload->set("channel_id", channel.id);
        payload->set("read_watermark_id", it == readWatermark_.end() ? 0 : it->second);
        payload->set("unread_count", unread);
        payload->set("total_unread_count", total);
        return toChannel(channel, "channel.updateReadStatus", *payload);
    }
    payload->set("total_unread_count", total);
    payload->set("channel_id", channel.id);
    payload->set("channel_unread_count", unread);
    payload->set("oldest_unread_message_id", oldest);
    return {{{userId}, events_.frame("chat.unreadCountUpdate", *payload)}};
}

SimOutputs SimWorld::messageUpdated(const SimMessage& message) const {
    const SimChannel* channel = findChannel(message.channelId);
    if (!channel) {
        return {};
    }
    auto payload = SimEvents::object();
    payload->set("message", events_.updatedMessage(message, channel->name));
    return toChannel(*channel, "chat.updateMessage", *payload);
}

std::vector<SimUser> SimWorld::membersOf(const SimChannel& channel) const {
    std::vector<SimUser> out;
    for (int64_t id : channel.members) {
        out.push_back(users_.at(id));
    }
    return out;
}

SimChannel* SimWorld::findChannel(int64_t id) {
    return const_cast<SimChannel*>(std::as_const(*this).findChannel(id));
}

const SimChannel* SimWorld::findChannel(int64_t id) const {
    auto it = std::find_if(channels_.begin(), channels_.end(), [&](const SimChannel& c) { return c.id == id; });
    return it == channels_.end() ? nullptr : &*it;
}

SimMessage* SimWorld::findMessage(int64_t id) {
    auto it = messages_.find(id);
    return it == messages_.end() ? nullptr : &it->second;
}

SimUser* SimWorld::findUser(int64_t id) {
    auto it = users_.find(id);
    return it == users_.end() ? nullptr : &it->second;
}

bool SimWorld::isMember(const SimChannel& channel, int64_t userId) const {
    return std::find(channel.members.begin(), channel.members.end(), userId) != channel.members.end();
}

int64_t SimWorld::unreadCount(int64_t userId, const SimChannel& channel, int64_t* oldest) const {
    auto it = readWatermark_.find({userId, channel.id});
    const int64_t mark = it == readWatermark_.end() ? 0 : it->second;
    int64_t count = 0;
    for (auto m = messages_.upper_bound(mark); m != messages_.end(); ++m) {
        if (m->second.channelId == channel.id && m->second.userId != userId) {
            if (oldest && count == 0) {
                *oldest = m->first;
            }
            ++count;
        }
    }
    return count;
}

}  // namespace rtmtap
