#include "SimEvents.h"

#include "SimApiObjects.h"
#include "SimJwt.h"

#include <Poco/JSON/Array.h>

#include <cstdio>
#include <sstream>

namespace rtmtap {
namespace {

Poco::JSON::Array::Ptr array() {
    return new Poco::JSON::Array;
}

Poco::JSON::Array::Ptr readUsers(const SimMessage& message) {
    auto out = array();
    for (int64_t id : message.readUsers) {
        out->add(id);
    }
    return out;
}

// A bot message's content is an object, a chat message's a string.
Poco::Dynamic::Var content(const SimMessage& message) {
    if (message.messageType != 5) {
        return message.text;
    }
    auto obj = SimEvents::object();
    obj->set("type", message.botType);
    obj->set("bot_message", message.text);
    return obj;
}

// The fields the document's chat.postMessage and chat.updateMessage share, in its order.
void addMessageBody(Poco::JSON::Object& obj, const SimMessage& m) {
    obj.set("attachments", array());
    obj.set("message_type", m.messageType);
    obj.set("is_edited", m.edited);
    obj.set("parent_message", array());
    obj.set("emoticons", SimApiObjects::emoticons(m));
    obj.set("created_on", SimJwt::formatTime(m.createdTs));
}

void addReadUsers(Poco::JSON::Object& obj, const SimMessage& m) {
    obj.set("read_user_count", std::to_string(m.readUsers.size()));  // a string, as documented
    obj.set("read_users", readUsers(m));
}

}  // namespace

Poco::JSON::Object::Ptr SimEvents::object() {
    return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::string SimEvents::frame(const std::string& event, const Poco::JSON::Object& payload) const {
    std::ostringstream body;
    payload.stringify(body);
    return frameAround(event, body.str());
}

std::string SimEvents::frame(const std::string& event, const Poco::JSON::Array& payload) const {
    std::ostringstream body;
    payload.stringify(body);
    return frameAround(event, body.str());
}

std::string SimEvents::frameAround(const std::string& event, const std::string& payload) const {
    std::ostringstream out;
    out << R"({"meta":{"api":"v1")";
    if (flavor_ == SimFlavor::Real) {
        // Written by hand: Poco's double formatting would not keep the microseconds.
        int64_t us = clock_.wallUs();
        char buf[48];
        std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(us / 1000000),
                      static_cast<long long>(us % 1000000));
        out << R"(,"emitted_on":)" << buf;
    }
    out << R"(},"event":")" << event << R"(","payload":)" << payload << "}";
    return out.str();
}

Poco::JSON::Object::Ptr SimEvents::user(const SimUser& user) const {
    return flavor_ == SimFlavor::Real ? SimApiObjects::user(user, false) : documentUser(user);
}

Poco::JSON::Object::Ptr SimEvents::documentUser(const SimUser& user) {
    auto obj = object();
    obj->set("id", user.id);
    obj->set("email", user.email);
    obj->set("display_name", user.displayName);
    obj->set("last_active_on", SimJwt::formatTime(user.lastActiveTs));
    obj->set("online_status", user.online);
    obj->set("last_active_on_ts", user.lastActiveTs);
    obj->set("has_avatar", user.hasAvatar);
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::postedMessage(const SimMessage& m, const std::string& channelName) const {
    if (flavor_ == SimFlavor::Real) {
        return SimApiObjects::message(m, channelName);
    }
    auto obj = object();
    obj->set("user_id", m.userId);
    obj->set("channel_id", m.channelId);
    obj->set("display_name", m.displayName);
    addMessageBody(*obj, m);
    obj->set("id", m.id);
    obj->set("created_on_ts", m.createdTs);
    obj->set("content", content(m));
    addReadUsers(*obj, m);
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::updatedMessage(const SimMessage& m, const std::string& channelName) const {
    if (flavor_ == SimFlavor::Real) {
        return SimApiObjects::message(m, channelName);
    }
    auto obj = object();
    obj->set("id", m.id);
    obj->set("user_id", m.userId);
    obj->set("channel_id", m.channelId);
    obj->set("display_name", m.displayName);
    if (m.messageType == 5) {
        obj->set("content", content(m));
    } else {
        obj->set("content_text", m.text);
    }
    addMessageBody(*obj, m);
    addReadUsers(*obj, m);
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::channel(const SimChannelView& view, bool update) const {
    if (flavor_ == SimFlavor::Real) {
        return SimApiObjects::channel(view, nullptr);
    }
    const SimChannel& c = view.channel;
    auto obj = object();
    if (update) {
        obj->set("id", c.id);
    }
    obj->set("channel_name", c.name);
    obj->set("channel_email", c.email);
    if (update) {
        obj->set("channel_status", 100);
    }
    obj->set("last_active_on", SimJwt::formatTime(c.lastActiveTs));
    obj->set("created_on", SimJwt::formatTime(c.createdTs));
    if (update) {
        obj->set("created_by", std::to_string(c.createdBy));  // a string in the document's example
    } else {
        obj->set("created_by", c.createdBy);
        obj->set("id", c.id);
    }
    obj->set("created_on_ts", c.createdTs);
    obj->set("last_active_on_ts", c.lastActiveTs);
    obj->set("latest_message", Poco::Dynamic::Var());
    auto list = array();
    for (const auto& member : view.members) {
        list->add(user(member));
    }
    obj->set("members", list);
    obj->set("channel_roots", SimApiObjects::channelRoots(c));
    obj->set("total_fs_count", 1);
    obj->set("total_file_count", 0);
    obj->set("total_folder_count", 1);
    obj->set("total_fs_size", 0);
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::action(const SimAction& a, const std::string& channelName,
                                           const std::vector<SimAction>& children) const {
    const bool real = flavor_ == SimFlavor::Real;
    auto obj = object();
    if (real) {
        obj->set("id", a.id);
    }
    obj->set("channel_id", a.channelId);
    if (real) {
        obj->set("parent_id", a.parentId ? Poco::Dynamic::Var(a.parentId) : Poco::Dynamic::Var());
    }
    obj->set("action_name", a.name);
    obj->set("action_desc", a.desc);
    obj->set("action_type", 1);
    obj->set("action_status", a.status);
    obj->set("due_on", SimJwt::formatTime(a.dueTs));
    obj->set("created_on", SimJwt::formatTime(a.createdTs));
    obj->set("created_by", a.createdBy);
    obj->set("updated_on", a.updatedBy ? Poco::Dynamic::Var(SimJwt::formatTime(a.updatedTs)) : Poco::Dynamic::Var());
    obj->set("updated_by", a.updatedBy ? Poco::Dynamic::Var(a.updatedBy) : Poco::Dynamic::Var());
    if (!real) {
        obj->set("id", a.id);
        return obj;
    }
    obj->set("channel_name", channelName);
    auto kids = array();
    for (const auto& child : children) {
        kids->add(action(child, channelName, {}));  // the backend loads one level of children
    }
    obj->set("children", kids);
    obj->set("users", array());  // no assignees in the simulated world
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::fsObject(int64_t userId, int64_t channelId, const std::string& name,
                                            const std::string& path) {
    // The backend's rule: the extension is what follows the last dot of the name (of the path
    // when there is no name); media are png, jpg, jpeg and gif, case-sensitive.
    const std::string& subject = name.empty() ? path : name;
    const size_t dot = subject.rfind('.');
    const std::string extension = dot == std::string::npos ? "" : subject.substr(dot + 1);
    const bool media = extension == "png" || extension == "jpg" || extension == "jpeg" || extension == "gif";
    auto obj = object();
    obj->set("user_id", userId);
    obj->set("channel_id", channelId);
    obj->set("fs_name", name);
    obj->set("fs_path", path);
    obj->set("extension", extension);
    obj->set("media", media);
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::group(const SimGroup& g) {
    auto obj = object();
    obj->set("id", g.id);
    obj->set("name", g.name);
    obj->set("virtual", false);
    obj->set("created_on", SimJwt::formatTime(g.createdTs));
    return obj;
}

Poco::JSON::Array::Ptr SimEvents::groupList(const std::vector<SimGroup>& ordered) {
    auto out = array();
    for (const auto& g : ordered) {
        out->add(group(g));
    }
    for (const auto& [id, name] : {std::pair{"all", "All Channels"}, std::pair{"dm", "Direct Messages"}}) {
        auto virt = object();
        virt->set("id", id);
        virt->set("name", name);
        virt->set("virtual", true);
        out->add(virt);
    }
    return out;
}

Poco::JSON::Object::Ptr SimEvents::alert(const SimAlert& a, const std::vector<SimUser>& from) {
    auto issuers = array();
    for (const auto& u : from) {
        issuers->add(SimApiObjects::user(u, false));  // normalizedUser, as the backend's alerts
    }
    auto obj = object();
    obj->set("alert_id", a.id);
    if (a.messageId == 0) {
        obj->set("alert_type", 20);  // Alert::CONTEXT_TYPE_CHANNEL
        obj->set("alert_text", a.text);
        obj->set("channel_id", a.channelId);
        obj->set("is_read", a.isRead);
        obj->set("created_on", SimJwt::formatTime(a.createdTs));
        obj->set("from", issuers);
        return obj;
    }
    obj->set("alert_type", 40);  // Alert::CONTEXT_TYPE_MESSAGE
    obj->set("from", issuers);
    obj->set("message_id", a.messageId);
    obj->set("alert_text", a.text);
    obj->set("channel_id", a.channelId);
    obj->set("is_read", a.isRead);
    obj->set("created_on", SimJwt::formatTime(a.createdTs));
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::alertEvent(const SimAlert& a, const std::vector<SimUser>& from) const {
    auto obj = alert(a, from);
    if (flavor_ == SimFlavor::Real) {
        return obj;
    }
    obj->remove("alert_type");
    obj->remove("created_on");
    auto issuers = array();
    for (const auto& u : from) {
        issuers->add(user(u));
    }
    obj->set("from", issuers);  // keeps its place: set replaces the value
    return obj;
}

}  // namespace rtmtap
