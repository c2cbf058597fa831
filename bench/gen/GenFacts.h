#pragma once
// What the generator wrote, counted as it goes, so the benchmark knows which queries hit few
// frames and which hit many, and the small test run can check the indexes against sqlite3: each
// id is counted where protocol/Classifier finds it, each word where a full-text search would.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap::gen {

enum class FrameType : uint8_t {
    WsAuth, PostMessage, BotMessage, EditMessage, ReactionUpdate, DeleteMessage, UserTyping, TypingCommand,
    ReadNotification, ReadStatus, AllRead, AddReaction, UserOnline, UserOffline, ProfileUpdate, ChannelUpdate,
    UserAdded, UserRemoved, Alert, FsAdd, LockAcquire, LockRelease, WsPing, PongEvent, Ping, Pong, Binary,
    Malformed, Close, Count
};

// What one frame names, as the classifier will index it.
struct FrameKeys {
    std::optional<int64_t> channel, user, message;
    bool commonWord = false;
    int rareWord = -1;  // index into GenFacts::kRareWords
};

// The figures the generator prints besides the counts.
struct RunFigures {
    std::string db;
    int64_t sessions = 0;
    int64_t bigSession = 0;
    int64_t bigSessionFrames = 0;
    int64_t fileBytes = 0;
    double seconds = 0;
};

class GenFacts {
public:
    static constexpr std::array<const char*, 4> kRareWords{"axolotl", "quokka", "pangolin", "narwhal"};
    static constexpr const char* kCommonWord = "the";
    static constexpr const char* kRareEvent = "lock.acquire";

    GenFacts(int64_t firstChannel, int channels, int64_t firstUser, int users, int64_t windowStartUs,
             int64_t windowEndUs);

    void count(FrameType type, int64_t wallUs, uint64_t bytes, const FrameKeys& keys);
    // The message whose frames are counted (chosen once, half way through the run).
    void setTargetMessage(int64_t id) { targetMessage_ = id; }
    bool hasTargetMessage() const { return targetMessage_ != 0; }

    int64_t frames() const { return frames_; }
    // One JSON object: the run's figures, then what the benchmark's queries need.
    std::string json(const RunFigures& run) const;

private:
    static const char* typeName(FrameType type);
    size_t pickRareChannel() const;
    size_t pickCommonChannel() const;
    size_t pickUser() const;  // one of the busier users, not the busiest
    static std::string isoTime(int64_t wallUs);

    int64_t firstChannel_, firstUser_;
    int64_t windowStartUs_, windowEndUs_;
    int64_t frames_ = 0;
    uint64_t bytes_ = 0;
    int64_t windowFrames_ = 0;
    int64_t targetMessage_ = 0;
    int64_t targetMessageFrames_ = 0;
    int64_t commonWordFrames_ = 0;
    std::array<int64_t, kRareWords.size()> rareWordFrames_{};
    std::array<int64_t, static_cast<size_t>(FrameType::Count)> byType_{};
    std::vector<int64_t> channelFrames_, userFrames_;
};

}  // namespace rtmtap::gen
