#include "SimApiObjects.h"

#include "SimEvents.h"
#include "SimJwt.h"

#include <Poco/JSON/Array.h>

namespace rtmtap {
namespace {

constexpr int kChannelStatusOpen = 1;
constexpr int kAccountStatusActive = 100;
constexpr int kChannelRoleAdmin = 100;      // the channel's owner
constexpr int kChannelRoleFullCollab = 30;  // the other members

Poco::JSON::Array::Ptr array() {
    return new Poco::JSON::Array;
}

// created_on and its unix-seconds twin, as the real NormalizedObject adds "<field>_ts".
void setTime(Poco::JSON::Object& obj, const std::string& field, int64_t unix) {
    obj.set(field, SimJwt::formatTime(unix));
    obj.set(field + "_ts", unix);
}

// TeamUser::getUserRoleAsString.
const char* roleName(int role) {
    switch (role) {
    case SimTeamMember::kOwner: return "owner";
    case SimTeamMember::kManager: return "manager";
    case 20: return "collaborator";
    default: return "member";
    }
}

Poco::JSON::Array::Ptr members(const SimChannelView& v) {
    auto out = array();
    for (const auto& m : v.members) {
        auto member = SimApiObjects::user(m, false);
        member->set("user_role", m.id == v.channel.createdBy ? kChannelRoleAdmin : kChannelRoleFullCollab);
        if (v.standardTeam) {
            member->set("is_team_member", true);  // the shared team holds everyone
        }
        out->add(member);
    }
    return out;
}

}  // namespace

Poco::JSON::Array::Ptr SimApiObjects::emoticons(const SimMessage& m) {
    auto out = array();
    for (const auto& r : m.emoticons) {
        auto item = SimEvents::object();
        item->set("uid", r.uid);
        item->set("dn", r.dn);
        item->set("ev", r.ev);
        out->add(item);
    }
    return out;
}

Poco::JSON::Array::Ptr SimApiObjects::channelRoots(const SimChannel& c) {
    auto roots = array();
    for (const auto& [type, location] : {std::pair<std::string, std::string>{"files", "/cf/" + std::to_string(c.filesRoot)},
                                         {"wiki", "/wf/" + std::to_string(c.wikiRoot)}}) {
        auto root = SimEvents::object();
        root->set("type", type);
        root->set("location", location);
        roots->add(root);
    }
    return roots;
}

Poco::JSON::Object::Ptr SimApiObjects::user(const SimUser& u, bool full) {
    auto obj = SimEvents::object();
    obj->set("id", u.id);
    obj->set("display_name", u.displayName);
    setTime(*obj, "last_active_on", u.lastActiveTs);
    obj->set("has_avatar", u.hasAvatar);
    obj->set("notifications_config", "immediate");
    obj->set("account_status", kAccountStatusActive);
    obj->set("timezone", Poco::Dynamic::Var());
    obj->set("locale", "en_US");
    obj->set("user_status", 1);
    obj->set("user_status_message", "");
    obj->set("online_status", u.online);
    if (full) {
        obj->set("email", u.email);
        obj->set("phone", Poco::Dynamic::Var());
        obj->set("is_email_verified", true);
        obj->set("is_terms_agreed", true);
        obj->set("is_tour_complete", true);
        obj->set("approval_status", 1);
        obj->set("lang_code", "en_US");
    }
    obj->set("plan", "pro");
    return obj;
}

Poco::JSON::Object::Ptr SimApiObjects::message(const SimMessage& m, const std::string& channelName) {
    auto obj = SimEvents::object();
    obj->set("id", m.id);
    obj->set("user_id", m.userId);
    obj->set("channel_id", m.channelId);
    obj->set("display_name", m.displayName);
    obj->set("attachments", array());
    obj->set("message_type", m.messageType);
    obj->set("is_edited", m.edited);
    obj->set("is_deleted", false);  // the world forgets deleted messages (chat.deleteMessage)
    obj->set("parent_message", Poco::Dynamic::Var());
    obj->set("source", "chat");
    obj->set("emoticons", emoticons(m));
    setTime(*obj, "created_on", m.createdTs);
    obj->set("send_email", false);
    if (m.messageType == 5) {
        auto bot = SimEvents::object();  // a bot message's content is an object, as in events
        bot->set("type", m.botType);
        bot->set("bot_message", m.text);
        obj->set("content", bot);
    } else {
        obj->set("content", m.text);
    }
    obj->set("channel_name", channelName);
    obj->set("one_one", false);
    return obj;
}

Poco::JSON::Object::Ptr SimApiObjects::channel(const SimChannelView& v, const SimUser* viewer) {
    const SimChannel& c = v.channel;
    auto obj = SimEvents::object();
    obj->set("id", c.id);
    obj->set("channel_email", c.email);
    obj->set("channel_name", c.name);
    obj->set("blurb", Poco::Dynamic::Var());
    setTime(*obj, "created_on", c.createdTs);
    obj->set("owned_by", c.createdBy);
    setTime(*obj, "last_active_on", c.lastActiveTs);
    obj->set("channel_status", kChannelStatusOpen);
    obj->set("has_logo", false);
    obj->set("has_background", false);
    obj->set("one_one", false);
    obj->set("one_one_approved", false);
    obj->set("locale", "en_US");
    obj->set("created_by", c.createdBy);
    if (viewer) {
        obj->set("member_email", c.email);
    }
    obj->set("members", members(v));
    obj->set("channel_roots", channelRoots(c));
    obj->set("total_fs_count", 1);
    obj->set("total_fs_size", 0);
    obj->set("total_file_count", 0);
    obj->set("total_folder_count", 1);
    if (v.standardTeam) {
        obj->set("team_id", c.teamId);  // as the real API: only for a team that is not a self team
    }
    obj->set("latest_message", v.latest ? Poco::Dynamic::Var(message(*v.latest, c.name)) : Poco::Dynamic::Var());
    if (viewer) {
        obj->set("commands", array());
        obj->set("unread_count", v.unreadCount);
        obj->set("read_watermark_id", v.readWatermark);
        obj->set("require_join_approval", false);
        obj->set("allow_external_read", false);
    }
    obj->set("muted", false);
    obj->set("action_count", 0);
    obj->set("message_count", v.messageCount);
    obj->set("read_status", array());
    if (viewer && v.member) {
        obj->set("user_role", viewer->id == c.createdBy ? kChannelRoleAdmin : kChannelRoleFullCollab);
        obj->set("is_favorite", false);
        obj->set("channel_group_id", v.groupId);
    }
    obj->set("open_team_join", false);
    return obj;
}

Poco::JSON::Object::Ptr SimApiObjects::team(const SimTeamView& v, bool abbreviated) {
    auto obj = SimEvents::object();
    obj->set("id", v.team.id);
    obj->set("name", v.team.name);
    obj->set("members_count", static_cast<int64_t>(v.team.members.size()));
    obj->set("role_id", v.role);
    obj->set("role", roleName(v.role));
    obj->set("tag_color", Poco::Dynamic::Var());
    if (abbreviated) {
        return obj;
    }
    // Without the managers' storage figures: the simulated team has no storage.
    obj->set("announcements", Poco::Dynamic::Var());
    auto open = array();
    for (const auto& c : v.openChannels) {
        auto item = SimEvents::object();
        item->set("id", c.id);
        item->set("name", c.name);
        item->set("blurb", "");
        item->set("has_logo", false);
        item->set("members_count", c.membersCount);
        item->set("has_joined", c.joined);
        open->add(item);
    }
    obj->set("open_channels", open);
    return obj;
}

Poco::JSON::Object::Ptr SimApiObjects::teamMember(const SimTeamMemberView& v) {
    auto obj = SimEvents::object();
    obj->set("id", v.user.id);
    obj->set("name", v.user.displayName);
    obj->set("email", v.user.email);
    obj->set("has_avatar", v.user.hasAvatar);
    obj->set("updated_on", SimJwt::formatTime(v.user.lastActiveTs));  // the world keeps no update time
    obj->set("online_status", v.user.online);
    obj->set("role", v.member.role);
    obj->set("member_since", SimJwt::formatTime(v.memberSince));
    obj->set("invited_by", v.invitedBy);
    obj->set("channels_count", v.channels);
    obj->set("channels_owned", v.channelsOwned);
    obj->set("fs_count", v.fsCount);
    obj->set("fs_size", v.fsSize);
    return obj;
}

}  // namespace rtmtap
