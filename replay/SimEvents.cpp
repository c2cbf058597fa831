#include "SimEvents.h"

#include "SimJwt.h"

#include <Poco/JSON/Array.h>

#include <cstdio>
#include <sstream>

namespace rtmtap {
namespace {

Poco::JSON::Array::Ptr array() {
    return new Poco::JSON::Array;
}

Poco::JSON::Array::Ptr reactions(const SimMessage& message) {
    auto out = array();
    for (const auto& r : message.emoticons) {
        auto item = SimEvents::object();
        item->set("uid", r.uid);
        item->set("dn", r.dn);
        item->set("ev", r.ev);
        out->add(item);
    }
    return out;
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

}  // namespace

Poco::JSON::Object::Ptr SimEvents::object() {
    return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

std::string SimEvents::frame(const std::string& event, const Poco::JSON::Object& payload) const {
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
    out << R"(},"event":")" << event << R"(","payload":)";
    payload.stringify(out);
    out << "}";
    return out.str();
}

Poco::JSON::Object::Ptr SimEvents::user(const SimUser& user) const {
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

Poco::JSON::Object::Ptr SimEvents::postedMessage(const SimMessage& m) const {
    auto obj = object();
    obj->set("user_id", m.userId);
    obj->set("channel_id", m.channelId);
    obj->set("display_name", m.displayName);
    obj->set("attachments", array());
    obj->set("message_type", m.messageType);
    obj->set("is_edited", m.edited);
    obj->set("parent_message", array());
    obj->set("emoticons", reactions(m));
    obj->set("created_on", SimJwt::formatTime(m.createdTs));
    obj->set("id", m.id);
    obj->set("created_on_ts", m.createdTs);
    obj->set("content", content(m));
    obj->set("read_user_count", std::to_string(m.readUsers.size()));  // a string, as documented
    obj->set("read_users", readUsers(m));
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::updatedMessage(const SimMessage& m) const {
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
    obj->set("attachments", array());
    obj->set("message_type", m.messageType);
    obj->set("is_edited", m.edited);
    obj->set("parent_message", array());
    obj->set("emoticons", reactions(m));
    obj->set("created_on", SimJwt::formatTime(m.createdTs));
    obj->set("read_user_count", std::to_string(m.readUsers.size()));
    obj->set("read_users", readUsers(m));
    return obj;
}

Poco::JSON::Object::Ptr SimEvents::channel(const SimChannel& c, const std::vector<SimUser>& members, bool update) const {
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
    for (const auto& member : members) {
        list->add(user(member));
    }
    obj->set("members", list);
    auto roots = array();
    auto files = object();
    files->set("type", "files");
    files->set("location", "/cf/" + std::to_string(c.filesRoot));
    auto wiki = object();
    wiki->set("type", "wiki");
    wiki->set("location", "/wf/" + std::to_string(c.wikiRoot));
    roots->add(files);
    roots->add(wiki);
    obj->set("channel_roots", roots);
    obj->set("total_fs_count", 1);
    obj->set("total_file_count", 0);
    obj->set("total_folder_count", 1);
    obj->set("total_fs_size", 0);
    return obj;
}

}  // namespace rtmtap
