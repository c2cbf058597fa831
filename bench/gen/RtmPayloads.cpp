#include "RtmPayloads.h"

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <vector>

namespace rtmtap::gen {

namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

std::string format(const char* fmt, ...) {
    char small[1024];
    va_list args;
    va_start(args, fmt);
    int n = std::vsnprintf(small, sizeof small, fmt, args);
    va_end(args);
    if (n < 0) {
        return {};
    }
    if (static_cast<size_t>(n) < sizeof small) {
        return std::string(small, static_cast<size_t>(n));
    }
    std::vector<char> big(static_cast<size_t>(n) + 1);
    va_start(args, fmt);
    std::vsnprintf(big.data(), big.size(), fmt, args);
    va_end(args);
    return std::string(big.data(), static_cast<size_t>(n));
}

using ll = long long;

}  // namespace

std::string RtmPayloads::wsAuth(const std::string& token) {
    return format(R"({"command":"ws_auth","auth_token":"%s"})", token.c_str());
}

std::string RtmPayloads::command(const char* name) {
    return format(R"({"command":"%s"})", name);
}

std::string RtmPayloads::typingCommand(const GenUser& user, int64_t channel) {
    return format(R"({"command":"ws_ephemeral_typing","user_email":"%s","channel_id":"%lld"})", user.email.c_str(),
                  static_cast<ll>(channel));
}

std::string RtmPayloads::readNotification(int64_t channel, int64_t message) {
    return format(R"({"command":"ws_read_notification","channel_id":"%lld","message_id":"%lld"})",
                  static_cast<ll>(channel), static_cast<ll>(message));
}

std::string RtmPayloads::allReadNotification(int64_t channel) {
    return format(R"({"command":"ws_all_read_notification","channel_id":"%lld"})", static_cast<ll>(channel));
}

std::string RtmPayloads::addReaction(int64_t message, const char* emoji) {
    return format(R"({"command":"ws_add_reaction","message_id":"%lld","emoji_value":"%s"})", static_cast<ll>(message),
                  emoji);
}

std::string RtmPayloads::meta() const {
    return format(R"({"api":"v1","emitted_on":%lld.%06lld})", static_cast<ll>(wallUs_ / 1'000'000),
                  static_cast<ll>(wallUs_ % 1'000'000));
}

std::string RtmPayloads::createdOn() const {
    time_t t = static_cast<time_t>(seconds());
    struct tm tm {};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

std::string RtmPayloads::userObject(const GenUser& user, bool online) const {
    return format(R"({"id":%lld,"email":"%s","display_name":"%s","last_active_on":"%s","online_status":%s,)"
                  R"("last_active_on_ts":%lld,"has_avatar":false})",
                  static_cast<ll>(user.id), user.email.c_str(), user.displayName.c_str(), createdOn().c_str(),
                  online ? "true" : "false", static_cast<ll>(seconds()));
}

std::string RtmPayloads::message(const char* event, int64_t id, const GenUser& author, int64_t channel,
                                 const std::string& content, bool edited, const GenUser* reaction) const {
    std::string emoticons;
    if (reaction) {
        emoticons = format(R"({"uid":%lld,"dn":"%s","ev":"U 1F44D"})", static_cast<ll>(reaction->id),
                           reaction->displayName.c_str());
    }
    return format(R"({"meta":%s,"event":"%s","payload":{"message":{"id":%lld,"user_id":%lld,"channel_id":%lld,)"
                  R"("display_name":"%s","content":"%s","attachments":[],"message_type":0,"is_edited":%s,)"
                  R"("is_deleted":false,"parent_message":null,"source":"chat","emoticons":[%s],)"
                  R"("created_on":"%s","created_on_ts":%lld}}})",
                  meta().c_str(), event, static_cast<ll>(id), static_cast<ll>(author.id), static_cast<ll>(channel),
                  author.displayName.c_str(), content.c_str(), edited ? "true" : "false", emoticons.c_str(),
                  createdOn().c_str(), static_cast<ll>(seconds()));
}

std::string RtmPayloads::botMessage(int64_t id, int64_t channel, int64_t adder, int64_t added) const {
    return format(R"({"meta":%s,"event":"chat.postMessage","payload":{"message":{"id":%lld,"user_id":91000001,)"
                  R"("channel_id":%lld,"display_name":"AirBot","content":{"type":2,"bot_message":)"
                  R"("@%lld has added @%lld to this channel"},"attachments":[],"message_type":5,)"
                  R"("is_edited":false,"is_deleted":false,"parent_message":null,"source":"chat","emoticons":[],)"
                  R"("created_on":"%s","created_on_ts":%lld}}})",
                  meta().c_str(), static_cast<ll>(id), static_cast<ll>(channel), static_cast<ll>(adder),
                  static_cast<ll>(added), createdOn().c_str(), static_cast<ll>(seconds()));
}

std::string RtmPayloads::deleteMessage(int64_t message, int64_t channel) const {
    return format(R"({"meta":%s,"event":"chat.deleteMessage","payload":{"message_id":%lld,"channel_id":%lld}})",
                  meta().c_str(), static_cast<ll>(message), static_cast<ll>(channel));
}

std::string RtmPayloads::userEvent(const char* event, const GenUser& user, int64_t channel, bool online) const {
    return format(R"({"meta":%s,"event":"%s","payload":{"user":%s,"channel_id":%lld}})", meta().c_str(), event,
                  userObject(user, online).c_str(), static_cast<ll>(channel));
}

std::string RtmPayloads::userRemoved(int64_t removed, int64_t by, int64_t channel) const {
    return format(R"({"meta":%s,"event":"user_removed.channel","payload":{"removed_user_id":%lld,)"
                  R"("removed_by_user_id":%lld,"channel_id":%lld}})",
                  meta().c_str(), static_cast<ll>(removed), static_cast<ll>(by), static_cast<ll>(channel));
}

std::string RtmPayloads::channelUpdate(int64_t channel, const GenUser& creator, const GenUser& member) const {
    int64_t no = channel % 100000;
    return format(R"({"meta":%s,"event":"channel.update","payload":{"channel":{"id":%lld,"channel_name":"Channel %lld",)"
                  R"("channel_email":"chan+c%lld@airsendmail.com","channel_status":100,"last_active_on":"%s",)"
                  R"("created_on":"%s","created_by":"%lld","created_on_ts":%lld,"last_active_on_ts":%lld,)"
                  R"("latest_message":null,"members":[%s,%s],"channel_roots":[{"type":"files","location":"/cf/%lld"},)"
                  R"({"type":"wiki","location":"/wf/%lld"}],"total_fs_count":1,"total_file_count":0,)"
                  R"("total_folder_count":1,"total_fs_size":0}}})",
                  meta().c_str(), static_cast<ll>(channel), static_cast<ll>(no), static_cast<ll>(no),
                  createdOn().c_str(), createdOn().c_str(), static_cast<ll>(creator.id), static_cast<ll>(seconds()),
                  static_cast<ll>(seconds()), userObject(creator, true).c_str(), userObject(member, false).c_str(),
                  static_cast<ll>(no * 2), static_cast<ll>(no * 2 + 1));
}

std::string RtmPayloads::readStatus(int64_t user, int64_t channel, int64_t watermark, int unread, int total) const {
    return format(R"({"meta":%s,"event":"channel.updateReadStatus","payload":{"user_id":%lld,"channel_id":%lld,)"
                  R"("read_watermark_id":%lld,"unread_count":%d,"total_unread_count":%d}})",
                  meta().c_str(), static_cast<ll>(user), static_cast<ll>(channel), static_cast<ll>(watermark), unread,
                  total);
}

std::string RtmPayloads::alert(int64_t alertId, const GenUser& from, int64_t message, int64_t channel) const {
    return format(R"({"meta":%s,"event":"alert.notification","payload":{"alert_id":%lld,"from":[%s],)"
                  R"("message_id":%lld,"alert_text":"... @%lld mentioned you ...","channel_id":%lld,"is_read":false}})",
                  meta().c_str(), static_cast<ll>(alertId), userObject(from, true).c_str(), static_cast<ll>(message),
                  static_cast<ll>(from.id), static_cast<ll>(channel));
}

std::string RtmPayloads::fsAdd(int64_t user, int64_t channel, int64_t fileNo) const {
    return format(R"({"meta":%s,"event":"fs.add","payload":{"user_id":%lld,"channel_id":%lld,)"
                  R"("fs_name":"Screenshot %lld.png","fs_path":"/cf/%lld/attachments/Screenshot %lld.png",)"
                  R"("extension":"png","media":true,"fs_size":%lld}})",
                  meta().c_str(), static_cast<ll>(user), static_cast<ll>(channel), static_cast<ll>(fileNo),
                  static_cast<ll>(channel % 100000), static_cast<ll>(fileNo), static_cast<ll>(fileNo * 37 % 900000 + 1000));
}

std::string RtmPayloads::lock(const char* event, int64_t lockId, int64_t channel, int64_t user) const {
    return format(R"({"meta":%s,"event":"%s","payload":{"lock_id":%lld,"channel_id":%lld,"user_id":%lld,)"
                  R"("path":"/cf/%lld/attachments/Plan %lld.docx"}})",
                  meta().c_str(), event, static_cast<ll>(lockId), static_cast<ll>(channel), static_cast<ll>(user),
                  static_cast<ll>(channel % 100000), static_cast<ll>(lockId));
}

}  // namespace rtmtap::gen
