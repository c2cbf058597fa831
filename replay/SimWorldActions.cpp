// SimWorld's actions (tasks): action.create's payload and the real flavour's action.update,
// action.move and action.delete, each to the members of the action's channel as the backend
// routes them (NotificationManager::routeToClients by the action's channel).
#include "SimWorld.h"

#include <algorithm>

namespace rtmtap {
namespace {

Poco::Dynamic::Var idOrNull(int64_t id) {
    return id ? Poco::Dynamic::Var(id) : Poco::Dynamic::Var();
}

}  // namespace

SimOutputs SimWorld::updateAction(int64_t userId, int64_t actionId, const std::string& name, int status) {
    std::lock_guard lock(mutex_);
    SimAction* action = findAction(actionId);
    SimChannel* channel = action ? findChannel(action->channelId) : nullptr;
    if (!channel || !isMember(*channel, userId) || name.empty()) {
        return {};
    }
    action->name = name;
    action->status = status;
    action->updatedBy = userId;
    action->updatedTs = nowUnix();
    auto payload = SimEvents::object();
    payload->set("action", actionObject(*action));
    payload->set("channel_id", channel->id);
    payload->set("old_channel_id", channel->id);  // actions do not change channel here
    return toChannel(*channel, "action.update", *payload);
}

SimOutputs SimWorld::moveAction(int64_t userId, int64_t actionId, int64_t afterId, int64_t parentId) {
    std::lock_guard lock(mutex_);
    SimAction* action = findAction(actionId);
    SimChannel* channel = action ? findChannel(action->channelId) : nullptr;
    if (!channel || !isMember(*channel, userId)) {
        return {};
    }
    const SimAction* after = afterId ? findAction(afterId) : nullptr;
    const SimAction* parent = parentId ? findAction(parentId) : nullptr;
    const bool badAfter = afterId && (!after || after->channelId != action->channelId || afterId == actionId);
    // One level of subtasks, as AirSend has them: the parent is a top-level action of the channel.
    const bool badParent = parentId && (!parent || parent->channelId != action->channelId || parentId == actionId ||
                                        parent->parentId != 0);
    if (badAfter || badParent) {
        return {};
    }
    const bool hasChildren = std::any_of(actions_.begin(), actions_.end(), [&](const SimAction& a) { return a.parentId == actionId; });
    if (parentId && hasChildren) {
        return {};  // a parent cannot become a subtask
    }
    const int64_t previousParent = action->parentId;
    SimAction moved = *action;
    moved.parentId = parentId;
    actions_.erase(actions_.begin() + (action - actions_.data()));
    auto at = std::find_if(actions_.begin(), actions_.end(), [&](const SimAction& a) { return a.id == afterId; });
    actions_.insert(afterId ? std::next(at) : actions_.begin(), moved);
    auto payload = SimEvents::object();
    payload->set("channel_id", moved.channelId);
    payload->set("action_id", moved.id);
    payload->set("after", idOrNull(afterId));
    payload->set("parent", idOrNull(parentId));
    payload->set("previous_parent", idOrNull(previousParent));
    return toChannel(*channel, "action.move", *payload);
}

SimOutputs SimWorld::deleteAction(int64_t actionId) {
    std::lock_guard lock(mutex_);
    SimAction* action = findAction(actionId);
    SimChannel* channel = action ? findChannel(action->channelId) : nullptr;
    if (!channel) {
        return {};
    }
    auto payload = SimEvents::object();
    payload->set("action_id", action->id);
    payload->set("channel_id", action->channelId);
    payload->set("parent_id", idOrNull(action->parentId));
    // Its subtasks go with it (the backend deletes them by their parent key, without events).
    actions_.erase(std::remove_if(actions_.begin(), actions_.end(),
                                  [&](const SimAction& a) { return a.id == actionId || a.parentId == actionId; }),
                   actions_.end());
    return toChannel(*channel, "action.delete", *payload);
}

// --- helpers (the caller holds mutex_) ---

SimOutputs SimWorld::actionCreated(const SimAction& action) const {
    const SimChannel* channel = findChannel(action.channelId);
    if (!channel) {
        return {};
    }
    auto payload = SimEvents::object();
    payload->set("action", actionObject(action));
    payload->set("channel_id", action.channelId);
    return toChannel(*channel, "action.create", *payload);
}

Poco::JSON::Object::Ptr SimWorld::actionObject(const SimAction& action) const {
    std::string channelName;
    for (const auto& c : channels_) {
        channelName = c.id == action.channelId ? c.name : channelName;
    }
    std::vector<SimAction> children;
    for (const auto& a : actions_) {
        if (a.parentId == action.id) {
            children.push_back(a);
        }
    }
    return events_.action(action, channelName, children);
}

SimAction* SimWorld::findAction(int64_t id) {
    auto it = std::find_if(actions_.begin(), actions_.end(), [&](const SimAction& a) { return a.id == id; });
    return it == actions_.end() ? nullptr : &*it;
}

}  // namespace rtmtap
