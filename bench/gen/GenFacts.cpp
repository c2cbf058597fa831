#include "GenFacts.h"

#include "protocol/JsonText.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace rtmtap::gen {

GenFacts::GenFacts(int64_t firstChannel, int channels, int64_t firstUser, int users, int64_t windowStartUs,
                   int64_t windowEndUs)
    : firstChannel_(firstChannel), firstUser_(firstUser), windowStartUs_(windowStartUs), windowEndUs_(windowEndUs),
      channelFrames_(static_cast<size_t>(channels)), userFrames_(static_cast<size_t>(users)) {}

void GenFacts::count(FrameType type, int64_t wallUs, uint64_t bytes, const FrameKeys& keys) {
    ++frames_;
    bytes_ += bytes;
    ++byType_[static_cast<size_t>(type)];
    windowFrames_ += wallUs >= windowStartUs_ && wallUs < windowEndUs_;
    if (keys.channel) {
        ++channelFrames_.at(static_cast<size_t>(*keys.channel - firstChannel_));
    }
    if (keys.user) {
        ++userFrames_.at(static_cast<size_t>(*keys.user - firstUser_));
    }
    if (keys.message && *keys.message == targetMessage_) {
        ++targetMessageFrames_;
    }
    commonWordFrames_ += keys.commonWord;
    if (keys.rareWord >= 0) {
        ++rareWordFrames_.at(static_cast<size_t>(keys.rareWord));
    }
}

const char* GenFacts::typeName(FrameType type) {
    static constexpr std::array<const char*, static_cast<size_t>(FrameType::Count)> names{
        "ws_auth", "chat.postMessage", "chat.postMessage (bot)", "chat.updateMessage (edit)",
        "chat.updateMessage (reaction)", "chat.deleteMessage", "chat.userTyping", "ws_ephemeral_typing",
        "ws_read_notification", "channel.updateReadStatus", "ws_all_read_notification", "ws_add_reaction",
        "user.online", "user.offline", "user.profileUpdate", "channel.update", "user_added.channel",
        "user_removed.channel", "alert.notification", "fs.add", "lock.acquire", "lock.release", "ws_ping",
        "pong (event)", "ping (opcode 9)", "pong (opcode 10)", "binary", "malformed text", "close"};
    return names.at(static_cast<size_t>(type));
}

// The quietest channel with at least 5 frames (a query then has a page to return), else the
// quietest one that has any.
size_t GenFacts::pickRareChannel() const {
    size_t none = channelFrames_.size();
    size_t best = none;
    for (int64_t floor : {5, 1}) {
        for (size_t i = 0; i < channelFrames_.size(); ++i) {
            int64_t n = channelFrames_[i];
            if (n >= floor && (best == none || n < channelFrames_[best])) {
                best = i;
            }
        }
        if (best != none) {
            return best;
        }
    }
    return 0;
}

size_t GenFacts::pickCommonChannel() const {
    return static_cast<size_t>(std::max_element(channelFrames_.begin(), channelFrames_.end()) - channelFrames_.begin());
}

size_t GenFacts::pickUser() const {
    std::vector<std::pair<int64_t, size_t>> byCount;
    for (size_t i = 0; i < userFrames_.size(); ++i) {
        if (userFrames_[i] > 0) {
            byCount.emplace_back(userFrames_[i], i);
        }
    }
    if (byCount.empty()) {
        return 0;
    }
    std::sort(byCount.rbegin(), byCount.rend());
    return byCount[std::min(byCount.size() - 1, size_t{100})].second;
}

std::string GenFacts::isoTime(int64_t wallUs) {
    time_t t = static_cast<time_t>(wallUs / 1'000'000);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string GenFacts::json(const RunFigures& run) const {
    size_t rare = pickRareChannel();
    size_t common = pickCommonChannel();
    size_t user = pickUser();
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.0f", run.seconds > 0 ? frames_ / run.seconds : 0.0);
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", run.seconds);
    std::ostringstream out;
    // The path is the only free text in the output.
    out << "{\"db\":" << rtmtap::jsonString(run.db) << ",\"frames\":" << frames_ << ",\"sessions\":" << run.sessions
        << ",\"payload_bytes\":" << bytes_ << ",\"file_bytes\":" << run.fileBytes << ",\"seconds\":" << secs
        << ",\"frames_per_s\":" << rate;
    out << ",\"big_session\":" << run.bigSession << ",\"big_session_frames\":" << run.bigSessionFrames
        << ",\"rare_channel\":" << firstChannel_ + static_cast<int64_t>(rare) << ",\"rare_channel_frames\":" << channelFrames_[rare]
        << ",\"common_channel\":" << firstChannel_ + static_cast<int64_t>(common) << ",\"common_channel_frames\":" << channelFrames_[common]
        << ",\"message_id\":" << targetMessage_ << ",\"message_frames\":" << targetMessageFrames_
        << ",\"user_id\":" << firstUser_ + static_cast<int64_t>(user) << ",\"user_frames\":" << userFrames_[user]
        << ",\"rare_event\":\"" << kRareEvent << "\",\"rare_event_frames\":"
        << byType_[static_cast<size_t>(FrameType::LockAcquire)] << ",\"rare_word\":\"" << kRareWords[0]
        << "\",\"rare_word_frames\":" << rareWordFrames_[0] << ",\"common_word\":\"" << kCommonWord
        << "\",\"common_word_frames\":" << commonWordFrames_ << ",\"since\":\"" << isoTime(windowStartUs_)
        << "\",\"until\":\"" << isoTime(windowEndUs_) << "\",\"window_frames\":" << windowFrames_
        << ",\"frames_by_type\":{";
    for (size_t i = 0; i < byType_.size(); ++i) {
        out << (i ? "," : "") << '"' << typeName(static_cast<FrameType>(i)) << "\":" << byType_[i];
    }
    out << "},\"other_rare_words\":{";
    for (size_t i = 1; i < kRareWords.size(); ++i) {
        out << (i > 1 ? "," : "") << '"' << kRareWords[i] << "\":" << rareWordFrames_[i];
    }
    out << "}}";
    return out.str();
}

}  // namespace rtmtap::gen
