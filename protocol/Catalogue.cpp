#include "Catalogue.h"

namespace rtmtap {
namespace {

constexpr Direction S2C = Direction::ServerToClient;
constexpr Direction C2S = Direction::ClientToServer;

// The document's heading says 'channel.unreadCountUpdate' but its example (and the web client)
// use 'chat.unreadCountUpdate': the example wins.
const std::vector<CatalogueEntry> kEntries = {
    {"chat.postMessage", S2C, Flavour::Both, "a new chat message (or a type-5 bot message), to all channel members"},
    {"chat.updateMessage", S2C, Flavour::Both, "a message changed: edit, read users, reactions"},
    {"chat.deleteMessage", S2C, Flavour::Both, "a message was deleted {message_id, channel_id}"},
    {"channel.create", S2C, Flavour::Both, "a channel the user belongs to was created"},
    {"user_added.channel", S2C, Flavour::Both, "a user joined a channel {channel_id, user}"},
    {"user_removed.channel", S2C, Flavour::Both, "a user left or was kicked {removed_user_id, removed_by_user_id, channel_id}"},
    {"channel.update", S2C, Flavour::Both, "a channel's name, members or image changed"},
    {"channel.remove", S2C, Flavour::Both, "a channel was removed {channel_id}"},
    {"chat.userTyping", S2C, Flavour::Both, "another member is typing {user, channel_id}"},
    {"user.online", S2C, Flavour::Both, "a member came online (first connection) {user, channel_id}"},
    {"user.offline", S2C, Flavour::Both, "a member's last connection went {user, channel_id}"},
    {"user.profileUpdate", S2C, Flavour::Both, "a member changed avatar or display name {user, channel_id}"},
    {"alert.notification", S2C, Flavour::Both, "an alert for this user: @mention, quote, reaction"},
    {"action.create", S2C, Flavour::Both, "an action (task) was created {action, channel_id}"},
    {"chat.unreadCountUpdate", S2C, Flavour::DocumentOnly, "the reader's unread counts after a read notification"},
    {"lock.acquire", S2C, Flavour::Both, "a file in the channel was locked {lock_id, channel_id, user_id, path}"},
    {"lock.release", S2C, Flavour::Both, "a locked file was released {lock_id, channel_id, user_id, path}"},
    {"pong", S2C, Flavour::Both, "the answer to ws_ping, {\"event\":\"pong\"} without meta"},
    {"channel.updateReadStatus", S2C, Flavour::RealOnly, "unread counters {user_id, channel_id, read_watermark_id, unread_count, total_unread_count}"},
    {"alert.update", S2C, Flavour::RealOnly, "an alert was read, to its user {alert_id, alert_type, from, message_id | -, alert_text, channel_id, is_read, created_on}"},
    {"action.update", S2C, Flavour::RealOnly, "an action changed, to the channel's members {action (with parent_id, channel_name, children, users), channel_id, old_channel_id}"},
    {"action.delete", S2C, Flavour::RealOnly, "an action was deleted, to the channel's members {action_id, channel_id, parent_id}"},
    {"action.move", S2C, Flavour::RealOnly, "an action moved, to the channel's members {channel_id, action_id, after, parent, previous_parent}"},
    {"fs.add", S2C, Flavour::RealOnly, "a file was uploaded, to the channel's members {user_id, channel_id, fs_name, fs_path (the folder), extension, media, file_size, is_new}"},
    {"fs.update", S2C, Flavour::RealOnly, "a file or folder was moved or renamed {user_id, channel_id, fs_name, fs_path, extension, media, previous_path}"},
    {"fs.delete", S2C, Flavour::RealOnly, "a file or folder was deleted {user_id, channel_id, fs_name, fs_path, extension, media}"},
    {"fs.copy", S2C, Flavour::RealOnly, "a file was copied {user_id, channel_id, fs_name, fs_path, extension, media, previous_path}"},
    {"fs.folder.create", S2C, Flavour::RealOnly, "a folder was created {user_id, channel_id, fs_name, fs_path (the parent), extension, media}"},
    {"channel.join.update", S2C, Flavour::RealOnly, "join requests changed, to the channel's managers {channel_id, user_id, pending_members}"},
    {"channel.group.create", S2C, Flavour::RealOnly, "a channel group was created, to its owner {id, name, virtual, created_on}"},
    {"channel.group.update", S2C, Flavour::RealOnly, "a channel group was renamed, to its owner {id, name, virtual, created_on}"},
    {"channel.group.delete", S2C, Flavour::RealOnly, "a channel group was deleted, to its owner {id}"},
    {"channel.group.reorder", S2C, Flavour::RealOnly, "the owner's groups reordered: the payload is an array [{id, name, virtual, created_on?}]"},
    {"system.ping", S2C, Flavour::RealOnly, "answer to the HTTP system.ping {ping_token}"},
    {"call.invite", S2C, Flavour::RealOnly, "a call invitation"},
    {"call.invite.accept", S2C, Flavour::RealOnly, "a call invitation was accepted"},
    {"team.add_member", S2C, Flavour::RealOnly, "a team gained a member, to its members {team_id, member}"},
    {"team.update_member", S2C, Flavour::RealOnly, "a team member's role changed, to the members {team_id, member}"},
    {"team.remove_member", S2C, Flavour::RealOnly, "a team lost a member, to the members and the removed one {team_id, member}"},
    {"team.add_channel", S2C, Flavour::RealOnly, "a channel was created in a team, to its members {team_id, channel}"},
    {"team.updated_channel", S2C, Flavour::RealOnly, "a team channel changed (name, members) {team_id, channel}"},
    {"team.remove_channel", S2C, Flavour::RealOnly, "a team channel was removed {team_id, channel}"},
    {"team.update", S2C, Flavour::RealOnly, "a team changed, per member {team: {id, name, members_count, role_id, role, tag_color, announcements, open_channels}}"},
    {"ws_auth", C2S, Flavour::Both, "first message: authenticate with the ws_token {auth_token}"},
    {"ws_ping", C2S, Flavour::RealOnly, "application ping, answered with {\"event\":\"pong\"}, allowed before auth"},
    {"ws_ephemeral_typing", C2S, Flavour::Both, "tell the other members this user is typing {channel_id}"},
    {"ws_read_notification", C2S, Flavour::Both, "mark one message read {channel_id, message_id}"},
    {"ws_all_read_notification", C2S, Flavour::Both, "mark the whole channel read {channel_id}"},
    {"ws_add_reaction", C2S, Flavour::Both, "add a reaction {message_id, emoji_value}"},
    {"ws_remove_reaction", C2S, Flavour::Both, "remove a reaction {message_id, emoji_value}"},
    {"ws_cache_connection", C2S, Flavour::Internal, "server-internal: a client sending it is dropped"},
    {"ws_purge_connection", C2S, Flavour::Internal, "server-internal: a client sending it is dropped"},
    {"ws_stats", C2S, Flavour::Internal, "server-internal: a client sending it is dropped"},
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
