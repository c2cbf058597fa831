#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {
namespace {

const char* kNames[] = {"Ada Lovelace",   "Grace Hopper",     "Alan Turing",     "Katherine Johnson",
                        "Edsger Dijkstra", "Barbara Liskov",  "Donald Knuth",    "Margaret Hamilton",
                        "Dennis Ritchie",  "Frances Allen",   "Ken Thompson",    "Radia Perlman"};
const char* kChannelNames[] = {"General", "Design", "Release", "Support", "Random", "Ops"};

std::string displayNameFor(int n) {
    constexpr int count = sizeof kNames / sizeof kNames[0];
    return n <= count ? kNames[n - 1] : "User " + std::to_string(n);
}

}  // namespace

SimWorld::SimWorld(const SimWorldConfig& config, const Clock& clock)
    : clock_(clock), events_(config.flavor, clock), rng_(config.seed), tokenRng_(config.seed ^ 0x9e3779b97f4a7c15ull) {
    seedWorld(config);
}

void SimWorld::seedWorld(const SimWorldConfig& config) {
    const int64_t now = nowUnix();
    for (int n = 1; n <= std::max(1, config.users); ++n) {
        SimUser u;
        u.id = kFirstUserId + n;
        u.email = "user" + std::to_string(n) + "@example.test";
        u.displayName = displayNameFor(n);
        u.lastActiveTs = now - static_cast<int64_t>(rng_() % 86400);
        users_[u.id] = u;
    }
    seedTeams();
    const int channelCount = std::max(1, config.channels);
    for (int i = 0; i < channelCount; ++i) {
        std::vector<int64_t> members{kFirstUserId + 1};
        for (const auto& [id, u] : users_) {
            if (id != kFirstUserId + 1 && (i == 0 || rng_() % 2 == 0)) {
                members.push_back(id);
            }
        }
        std::string name = i < 6 ? kChannelNames[i] : "Channel " + std::to_string(i + 1);
        createChannel(kFirstUserId + 1, members, name);  // no one is connected: the events go nowhere
    }
    for (const auto& channel : std::vector<SimChannel>(channels_)) {
        for (int64_t member : channel.members) {
            post(member, channel.id, "Hello from " + users_[member].displayName);
        }
    }
    seedGroups();
}

// The shared team (everyone, user1 its owner) first, then each user's self team.
void SimWorld::seedTeams() {
    const int64_t now = nowUnix();
    SimTeam shared{nextTeamId_++, "Example Team", SimTeam::kStandard, kFirstUserId + 1, now, {}};
    for (const auto& [id, u] : users_) {
        shared.members.push_back({id, id == shared.createdBy ? SimTeamMember::kOwner : SimTeamMember::kMember});
    }
    teams_.push_back(shared);
    for (const auto& [id, u] : users_) {
        teams_.push_back({nextTeamId_++, u.displayName, SimTeam::kSelf, id, now, {{id, SimTeamMember::kOwner}}});
    }
}

// Each user groups the channels they are in but General under "Projects".
void SimWorld::seedGroups() {
    for (const auto& [id, u] : users_) {
        SimGroup g{nextGroupId_++, id, "Projects", 1, {}, nowUnix()};
        for (const auto& c : channels_) {
            if (c.id != kFirstChannelId && isMember(c, id)) {
                g.channels.push_back(c.id);
            }
        }
        groups_.push_back(g);
    }
}

int64_t SimWorld::nowUnix() const {
    return clock_.wallUs() / 1000000;
}

std::string SimWorld::randomString(std::mt19937_64& rng, int n) {
    static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += kAlphabet[rng() % (sizeof kAlphabet - 1)];
    }
    return out;
}

std::optional<SimUser> SimWorld::login(const std::string& userOrEmail, const std::string& password) const {
    std::lock_guard lock(mutex_);
    if (password != kPassword) {
        return std::nullopt;
    }
    for (const auto& [id, u] : users_) {
        if (u.email == userOrEmail || u.email.substr(0, u.email.find('@')) == userOrEmail) {
            return u;
        }
    }
    return std::nullopt;
}

std::optional<SimUser> SimWorld::user(int64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = users_.find(id);
    return it == users_.end() ? std::nullopt : std::optional<SimUser>(it->second);
}

std::string SimWorld::randomFingerPrint() {
    std::lock_guard lock(mutex_);
    return randomString(tokenRng_, 12);
}

SimOutputs SimWorld::connect(int64_t userId) {
    std::lock_guard lock(mutex_);
    SimUser* u = findUser(userId);
    if (!u || connections_[userId]++ > 0) {
        return {};
    }
    u->online = true;
    u->lastActiveTs = nowUnix();
    return perChannelUserEvent(*u, "user.online");
}

SimOutputs SimWorld::disconnect(int64_t userId) {
    std::lock_guard lock(mutex_);
    SimUser* u = findUser(userId);
    auto it = connections_.find(userId);
    if (!u || it == connections_.end() || --it->second > 0) {
        return {};
    }
    connections_.erase(it);
    u->online = false;
    u->lastActiveTs = nowUnix();
    return perChannelUserEvent(*u, "user.offline");
}

SimOutputs SimWorld::typing(int64_t userId, int64_t channelId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    SimUser* u = findUser(userId);
    if (!channel || !u) {
        return {};
    }
    // Like the real server: the sender's membership is not checked, the sender is excluded.
    auto payload = SimEvents::object();
    payload->set("user", events_.user(*u));
    payload->set("channel_id", channelId);
    return toChannel(*channel, "chat.userTyping", *payload, userId);
}

SimOutputs SimWorld::readMessage(int64_t userId, int64_t channelId, int64_t messageId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    SimMessage* message = findMessage(messageId);
    if (!channel || !message || message->channelId != channelId || !isMember(*channel, userId)) {
        return {};
    }
    if (std::find(message->readUsers.begin(), message->readUsers.end(), userId) == message->readUsers.end()) {
        message->readUsers.push_back(userId);
    }
    int64_t& mark = readWatermark_[{userId, channelId}];
    mark = std::max(mark, messageId);
    SimOutputs out = messageUpdated(*message);
    SimOutputs unread = unreadUpdate(userId, *channel);
    out.insert(out.end(), unread.begin(), unread.end());
    return out;
}

SimOutputs SimWorld::readAll(int64_t userId, int64_t channelId) {
    std::lock_guard lock(mutex_);
    SimChannel* channel = findChannel(channelId);
    if (!channel || !isMember(*channel, userId)) {
        return {};
    }
    int64_t last = 0;
    for (const auto& [id, m] : messages_) {
        last = m.channelId == channelId ? id : last;
    }
    int64_t& mark = readWatermark_[{userId, channelId}];
    mark = std::max(mark, last);
    return unreadUpdate(userId, *channel);
}

SimOutputs SimWorld::react(int64_t userId, int64_t messageId, const std::string& emoji, bool add) {
    std::lock_guard lock(mutex_);
    SimMessage* message = findMessage(messageId);
    SimUser* u = findUser(userId);
    SimChannel* channel = message ? findChannel(message->channelId) : nullptr;
    if (!channel || !u || !isMember(*channel, userId) || emoji.empty()) {
        return {};
    }
    auto& list = message->emoticons;
    auto it = std::find_if(list.begin(), list.end(), [&](const SimReaction& r) { return r.uid == userId && r.ev == emoji; });
    if (add == (it != list.end())) {
        return {};  // nothing changes: no event
    }
    if (add) {
        list.push_back({userId, u->displayName, emoji});
    } else {
        list.erase(it);
    }
    return messageUpdated(*message);
}

SimSnapshot SimWorld::snapshot() const {
    std::lock_guard lock(mutex_);
    SimSnapshot snap;
    for (const auto& [id, u] : users_) {
        snap.users.push_back(u);
    }
    snap.channels = channels_;
    snap.locks = locks_;
    snap.teams = teams_;
    snap.groups = groups_;
    snap.alerts = alerts_;
    snap.actions = actions_;
    snap.files = files_;
    for (const auto& [id, count] : connections_) {
        snap.connected.push_back(id);
    }
    auto it = messages_.size() > 20 ? std::prev(messages_.end(), 20) : messages_.begin();
    for (; it != messages_.end(); ++it) {
        snap.recent.push_back(it->second);
    }
    return snap;
}

}  // namespace rtmtap
