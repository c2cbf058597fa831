// SimWorld's channel groups: the real flavour's channel.group.create, .update, .delete and
// .reorder, sent to the group's owner only (the backend's GroupEvents are "self only"). Payloads
// as NormalizedObjectFactory builds them; reorder's is the owner's whole list, a JSON array.
#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {
namespace {

// The user's groups in their order.
std::vector<SimGroup*> ownedGroups(std::vector<SimGroup>& groups, int64_t userId) {
    std::vector<SimGroup*> out;
    for (auto& g : groups) {
        if (g.userId == userId) {
            out.push_back(&g);
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const SimGroup* a, const SimGroup* b) { return a->order < b->order; });
    return out;
}

void renumber(const std::vector<SimGroup*>& ordered) {
    int order = 0;
    for (SimGroup* g : ordered) {
        g->order = ++order;
    }
}

}  // namespace

SimOutputs SimWorld::createGroup(int64_t userId, const std::string& name, const std::vector<int64_t>& channels) {
    std::lock_guard lock(mutex_);
    if (!findUser(userId) || name.empty() || ownedGroups(groups_, userId).size() >= 20) {
        return {};  // a bound for long runs: the chatter deletes groups too
    }
    SimGroup group{nextGroupId_++, userId, name, static_cast<int>(ownedGroups(groups_, userId).size()) + 1, {}, nowUnix()};
    for (int64_t id : channels) {
        const SimChannel* channel = findChannel(id);
        if (!channel || !isMember(*channel, userId)) {
            continue;
        }
        // A channel sits in one group of a user (channel_users.group_id): it leaves the old one.
        for (SimGroup* other : ownedGroups(groups_, userId)) {
            other->channels.erase(std::remove(other->channels.begin(), other->channels.end(), id), other->channels.end());
        }
        group.channels.push_back(id);
    }
    groups_.push_back(group);
    return {{{userId}, events_.frame("channel.group.create", *SimEvents::group(group))}};
}

SimOutputs SimWorld::renameGroup(int64_t groupId, const std::string& name) {
    std::lock_guard lock(mutex_);
    SimGroup* group = findGroup(groupId);
    if (!group || name.empty()) {
        return {};
    }
    group->name = name;
    return {{{group->userId}, events_.frame("channel.group.update", *SimEvents::group(*group))}};
}

SimOutputs SimWorld::moveGroup(int64_t groupId, int64_t afterGroupId) {
    std::lock_guard lock(mutex_);
    SimGroup* group = findGroup(groupId);
    SimGroup* after = afterGroupId ? findGroup(afterGroupId) : nullptr;
    if (!group || (afterGroupId && (!after || after->userId != group->userId || after == group))) {
        return {};
    }
    std::vector<SimGroup*> ordered = ownedGroups(groups_, group->userId);
    ordered.erase(std::find(ordered.begin(), ordered.end(), group));
    auto at = after ? std::next(std::find(ordered.begin(), ordered.end(), after)) : ordered.begin();
    ordered.insert(at, group);
    renumber(ordered);
    return groupList(group->userId);
}

SimOutputs SimWorld::deleteGroup(int64_t groupId) {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(groups_.begin(), groups_.end(), [&](const SimGroup& g) { return g.id == groupId; });
    if (it == groups_.end()) {
        return {};
    }
    const int64_t userId = it->userId;
    groups_.erase(it);  // its channels are ungrouped again
    renumber(ownedGroups(groups_, userId));
    auto payload = SimEvents::object();
    payload->set("id", groupId);
    return {{{userId}, events_.frame("channel.group.delete", *payload)}};
}

// --- helpers (the caller holds mutex_) ---

SimOutputs SimWorld::groupList(int64_t userId) const {
    std::vector<SimGroup> ordered;
    for (const auto& g : groups_) {
        if (g.userId == userId) {
            ordered.push_back(g);
        }
    }
    std::stable_sort(ordered.begin(), ordered.end(), [](const SimGroup& a, const SimGroup& b) { return a.order < b.order; });
    return {{{userId}, events_.frame("channel.group.reorder", *SimEvents::groupList(ordered))}};
}

SimGroup* SimWorld::findGroup(int64_t id) {
    auto it = std::find_if(groups_.begin(), groups_.end(), [&](const SimGroup& g) { return g.id == id; });
    return it == groups_.end() ? nullptr : &*it;
}

}  // namespace rtmtap
