#include "Catalogue.h"

namespace rtmtap {
namespace {

constexpr Direction S2C = Direction::ServerToClient;
constexpr Direction C2S = Direction::ClientToServer;

// The document's heading says 'channel.unreadCountUpdate' but its example (and the web client)
// use 'chat.unreadCountUpdate': the example wins.
const std::vector<CatalogueEntry> kEntries = {
    {"chat.postMessage", S2C, Flavour::Both, "a new chat message (or a type-5 bot message), to all channel members",
     "payload:object payload.message:message payload.message.content:string|object payload.message.created_on_ts:integer"},
    {"chat.updateMessage", S2C, Flavour::Both, "a message changed: edit, read users, reactions",
     "payload:object payload.message:message"},
    {"chat.deleteMessage", S2C, Flavour::Both, "a message was deleted {message_id, channel_id}",
     "payload:object payload.message_id:integer payload.channel_id:integer"},
    {"channel.create", S2C, Flavour::Both, "a channel the user belongs to was created",
     "payload:object payload.channel:channel"},
    {"user_added.channel", S2C, Flavour::Both, "a user joined a channel {channel_id, user}",
     "payload:object payload.channel_id:integer payload.user:user"},
    {"user_removed.channel", S2C, Flavour::Both, "a user left or was kicked {removed_user_id, removed_by_user_id, channel_id}",
     "payload:object payload.removed_user_id:integer payload.removed_by_user_id:integer payload.channel_id:integer"},
    {"channel.update", S2C, Flavour::Both, "a channel's name, members or image changed",
     "payload:object payload.channel:channel"},
    {"channel.remove", S2C, Flavour::Both, "a channel was removed {channel_id}",
     "payload:object payload.channel_id:integer"},
    {"chat.userTyping", S2C, Flavour::Both, "another member is typing {user, channel_id}",
     "payload:object payload.user:user payload.channel_id:integer"},
    {"user.online", S2C, Flavour::Both, "a member came online (first connection) {user, channel_id}",
     "payload:object payload.user:user payload.channel_id:integer"},
    {"user.offline", S2C, Flavour::Both, "a member's last connection went {user, channel_id}",
     "payload:object payload.user:user payload.channel_id:integer"},
    {"user.profileUpdate", S2C, Flavour::Both, "a member changed avatar or display name {user, channel_id}",
     "payload:object payload.user:user payload.channel_id:integer"},
    {"alert.notification", S2C, Flavour::Both, "an alert for this user: @mention, quote, reaction",
     "payload:alert"},
    {"action.create", S2C, Flavour::Both, "an action (task) was created {action, channel_id}",
     "payload:object payload.action:action payload.channel_id:integer"},
    {"chat.unreadCountUpdate", S2C, Flavour::DocumentOnly, "the reader's unread counts after a read notification",
     "payload:object payload.total_unread_count:integer payload.channel_id:integer payload.channel_unread_count:integer payload.oldest_unread_message_id:integer payload.message_id?:integer"},
    {"lock.acquire", S2C, Flavour::Both, "a file in the channel was locked {lock_id, channel_id, user_id, path}",
     "payload:lock"},
    {"lock.release", S2C, Flavour::Both, "a locked file was released {lock_id, channel_id, user_id, path}",
     "payload:lock"},
    {"pong", S2C, Flavour::Both, "the answer to ws_ping, {\"event\":\"pong\"} without meta",
     ""},
    {"channel.updateReadStatus", S2C, Flavour::RealOnly, "unread counters {user_id, channel_id, read_watermark_id, unread_count, total_unread_count}",
     "payload:object payload.user_id:integer payload.channel_id:integer payload.read_watermark_id:integer payload.unread_count:integer payload.total_unread_count:integer"},
    {"alert.update", S2C, Flavour::RealOnly, "an alert was read, to its user {alert_id, alert_type, from, message_id | -, alert_text, channel_id, is_read, created_on}",
     "payload:alert payload.alert_type:integer payload.created_on:string"},
    {"action.update", S2C, Flavour::RealOnly, "an action changed, to the channel's members {action (with parent_id, channel_name, children, users), channel_id, old_channel_id}",
     "payload:object payload.action:action payload.channel_id:integer payload.old_channel_id:integer"},
    {"action.delete", S2C, Flavour::RealOnly, "an action was deleted, to the channel's members {action_id, channel_id, parent_id}",
     "payload:object payload.action_id:integer payload.channel_id:integer payload.parent_id:integer|null"},
    {"action.move", S2C, Flavour::RealOnly, "an action moved, to the channel's members {channel_id, action_id, after, parent, previous_parent}",
     "payload:object payload.channel_id:integer payload.action_id:integer payload.after:integer|null payload.parent:integer|null payload.previous_parent:integer|null"},
    {"fs.add", S2C, Flavour::RealOnly, "a file was uploaded, to the channel's members {user_id, channel_id, fs_name, fs_path (the folder), extension, media, file_size, is_new}",
     "payload:fs payload.file_size:integer payload.is_new:bool"},
    {"fs.update", S2C, Flavour::RealOnly, "a file or folder was moved or renamed {user_id, channel_id, fs_name, fs_path, extension, media, previous_path}",
     "payload:fs payload.previous_path:string"},
    {"fs.delete", S2C, Flavour::RealOnly, "a file or folder was deleted {user_id, channel_id, fs_name, fs_path, extension, media}",
     "payload:fs"},
    {"fs.copy", S2C, Flavour::RealOnly, "a file was copied {user_id, channel_id, fs_name, fs_path, extension, media, previous_path}",
     "payload:fs payload.previous_path:string"},
    {"fs.folder.create", S2C, Flavour::RealOnly, "a folder was created {user_id, channel_id, fs_name, fs_path (the parent), extension, media}",
     "payload:fs"},
    {"channel.join.update", S2C, Flavour::RealOnly, "join requests changed, to the channel's managers {channel_id, user_id, pending_members}",
     "payload:object payload.channel_id:integer payload.user_id:integer payload.pending_members:array"},
    {"channel.group.create", S2C, Flavour::RealOnly, "a channel group was created, to its owner {id, name, virtual, created_on}",
     "payload:group"},
    {"channel.group.update", S2C, Flavour::RealOnly, "a channel group was renamed, to its owner {id, name, virtual, created_on}",
     "payload:group"},
    {"channel.group.delete", S2C, Flavour::RealOnly, "a channel group was deleted, to its owner {id}",
     "payload:object payload.id:integer"},
    {"channel.group.reorder", S2C, Flavour::RealOnly, "the owner's groups reordered: the payload is an array [{id, name, virtual, created_on?}]",
     "payload:array"},
    {"system.ping", S2C, Flavour::RealOnly, "answer to the HTTP system.ping {ping_token}",
     "payload:object payload.ping_token:string"},
    {"call.invite", S2C, Flavour::RealOnly, "a call invitation",
     "payload:object"},
    {"call.invite.accept", S2C, Flavour::RealOnly, "a call invitation was accepted",
     "payload:object"},
    {"team.add_member", S2C, Flavour::RealOnly, "a team gained a member, to its members {team_id, member}",
     "payload:object payload.team_id:integer payload.member:object payload.member.id:integer"},
    {"team.update_member", S2C, Flavour::RealOnly, "a team member's role changed, to the members {team_id, member}",
     "payload:object payload.team_id:integer payload.member:object payload.member.id:integer"},
    {"team.remove_member", S2C, Flavour::RealOnly, "a team lost a member, to the members and the removed one {team_id, member}",
     "payload:object payload.team_id:integer payload.member:object payload.member.id:integer"},
    {"team.add_channel", S2C, Flavour::RealOnly, "a channel was created in a team, to its members {team_id, channel}",
     "payload:object payload.team_id:integer payload.channel:object payload.channel.id:integer"},
    {"team.updated_channel", S2C, Flavour::RealOnly, "a team channel changed (name, members) {team_id, channel}",
     "payload:object payload.team_id:integer payload.channel:object payload.channel.id:integer"},
    {"team.remove_channel", S2C, Flavour::RealOnly, "a team channel was removed {team_id, channel}",
     "payload:object payload.team_id:integer payload.channel:object payload.channel.id:integer"},
    {"team.update", S2C, Flavour::RealOnly, "a team changed, per member {team: {id, name, members_count, role_id, role, tag_color, announcements, open_channels}}",
     "payload:object payload.team:object payload.team.id:integer payload.team.name:string"},
    {"ws_auth", C2S, Flavour::Both, "first message: authenticate with the ws_token {auth_token}",
     "auth_token:string"},
    {"ws_ping", C2S, Flavour::RealOnly, "application ping, answered with {\"event\":\"pong\"}, allowed before auth",
     ""},
    {"ws_ephemeral_typing", C2S, Flavour::Both, "tell the other members this user is typing {channel_id}",
     "channel_id:id user_email?:string"},
    {"ws_read_notification", C2S, Flavour::Both, "mark one message read {channel_id, message_id}",
     "channel_id:id message_id:id"},
    {"ws_all_read_notification", C2S, Flavour::Both, "mark the whole channel read {channel_id}",
     "channel_id:id"},
    {"ws_add_reaction", C2S, Flavour::Both, "add a reaction {message_id, emoji_value}",
     "message_id:id emoji_value:string"},
    {"ws_remove_reaction", C2S, Flavour::Both, "remove a reaction {message_id, emoji_value}",
     "message_id:id emoji_value:string"},
    {"ws_cache_connection", C2S, Flavour::Internal, "server-internal: a client sending it is dropped",
     ""},
    {"ws_purge_connection", C2S, Flavour::Internal, "server-internal: a client sending it is dropped",
     ""},
    {"ws_stats", C2S, Flavour::Internal, "server-internal: a client sending it is dropped",
     ""},
};

// The records events share. Required: what both the document's examples and real traffic
// (protocol-notes.md, the API's normaliser as SimApiObjects writes it) always send; the rest is
// optional with its type. Messages: the document's chat.updateMessage has content_text and no
// content nor created_on_ts, real traffic has no read_users, parent_message is [] in the
// document and null or an object in real traffic, and read_user_count is a string only in the
// document's examples (its quirk). Users may omit email. A channel's created_by is a string in
// the document's channel.update example. Actions: description and due date may be unset.
const std::vector<FieldRecord> kRecords = {
    {"user", "id:integer display_name:string email?:string has_avatar:bool online_status:bool "
             "last_active_on?:string|null last_active_on_ts?:integer|null"},
    {"message", "id:integer user_id:integer channel_id:integer display_name:string message_type:integer "
                "is_edited:bool attachments:array parent_message:array|object|null emoticons:array "
                "created_on:string content?:string|object content_text?:string created_on_ts?:integer "
                "is_deleted?:bool source?:string read_user_count?:integer~string read_users?:array"},
    {"channel", "id:integer channel_name:string channel_email:string created_on:string created_on_ts:integer "
                "created_by:integer~string last_active_on:string last_active_on_ts:integer channel_status?:integer "
                "members:array channel_roots:array latest_message:message|null total_fs_count?:integer "
                "total_file_count?:integer total_folder_count?:integer total_fs_size?:integer"},
    {"action", "id:integer channel_id:integer action_name:string action_desc:string|null action_type:integer "
               "action_status:integer due_on:string|null created_on:string created_by:integer "
               "updated_on:string|null updated_by:integer|null parent_id?:integer|null channel_name?:string "
               "children?:array users?:array"},
    // alert.notification: a message alert has message_id, an action alert action_id, a channel
    // alert neither; alert_type and created_on are real traffic's.
    {"alert", "alert_id:integer from:array alert_text:string channel_id:integer is_read:bool message_id?:integer "
              "action_id?:integer alert_type?:integer created_on?:string"},
    {"lock", "lock_id:integer channel_id:integer user_id:integer path:string"},
    {"fs", "user_id:integer channel_id:integer fs_name:string fs_path:string extension:string media:bool"},
    {"group", "id:integer name:string virtual:bool created_on:string"},
};

// ws_auth: the first connection of a user makes the server send user.online to all the user's
// channels, the new socket included. Reads and reactions update the message for every member
// (chat.updateMessage) and the reader's unread counters (channel.updateReadStatus in real
// traffic, chat.unreadCountUpdate in the document).
const std::vector<CommandAnswer> kAnswers = {
    {"ws_auth", "user.online"},
    {"ws_ping", "pong"},
    {"ws_read_notification", "chat.updateMessage"},
    {"ws_read_notification", "channel.updateReadStatus"},
    {"ws_read_notification", "chat.unreadCountUpdate"},
    {"ws_all_read_notification", "channel.updateReadStatus"},
    {"ws_all_read_notification", "chat.unreadCountUpdate"},
    {"ws_add_reaction", "chat.updateMessage"},
    {"ws_remove_reaction", "chat.updateMessage"},
};

}  // namespace

const std::vector<CommandAnswer>& commandAnswers() {
    return kAnswers;
}

bool answers(std::string_view event, std::string_view command) {
    for (const auto& a : kAnswers) {
        if (a.event == event && a.command == command) {
            return true;
        }
    }
    return false;
}

const char* toString(Flavour flavour) {
    switch (flavour) {
    case Flavour::Both: return "both";
    case Flavour::DocumentOnly: return "document";
    case Flavour::RealOnly: return "real";
    case Flavour::Internal: return "internal";
    }
    return "both";
}

const std::vector<CatalogueEntry>& catalogue() {
    return kEntries;
}

const std::vector<FieldRecord>& catalogueRecords() {
    return kRecords;
}

const std::vector<FieldSpec>& fieldSpecs(const CatalogueEntry& entry) {
    // Parsed once, in the table's order: lint asks for every frame.
    static const std::vector<std::vector<FieldSpec>> parsed = [] {
        std::vector<std::vector<FieldSpec>> all(kEntries.size());
        std::string error;
        for (size_t i = 0; i < kEntries.size(); ++i) {
            parseFieldSpec(kEntries[i].fields, kRecords, all[i], error);
        }
        return all;
    }();
    static const std::vector<FieldSpec> kNone;
    const CatalogueEntry* own = &entry;
    if (own < kEntries.data() || own >= kEntries.data() + kEntries.size()) {
        own = findCatalogueEntry(entry.name, entry.dir);  // a copy: find the table's own
    }
    return own ? parsed[static_cast<size_t>(own - kEntries.data())] : kNone;
}

const CatalogueEntry* findCatalogueEntry(std::string_view name, Direction dir) {
    for (const auto& entry : kEntries) {
        if (entry.dir == dir && entry.name == name) {
            return &entry;
        }
    }
    return nullptr;
}

std::vector<std::string_view> documentedEvents() {
    std::vector<std::string_view> out;
    for (const auto& entry : kEntries) {
        bool documented = entry.flavour == Flavour::Both || entry.flavour == Flavour::DocumentOnly;
        if (entry.dir == S2C && documented && entry.name != "pong") {
            out.push_back(entry.name);
        }
    }
    return out;
}

}  // namespace rtmtap
