#include "TrafficPools.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>

namespace rtmtap::gen {

namespace {

// Chat words, most frequent first. The first one ("the", GenFacts::kCommonWord) and the rare
// words are tokens of no other part of any frame (keys, event names, names, paths, bot and alert
// texts), so the generator's counts of them are what a full-text search finds.
constexpr const char* kWords[] = {
    "the", "to", "i", "you", "and", "a", "it", "we", "that", "for", "is", "this", "can", "will", "just", "what",
    "do", "be", "so", "not", "but", "are", "at", "if", "me", "my", "all", "get", "ok", "thanks", "yes", "no",
    "see", "now", "about", "think", "good", "know", "need", "let", "there", "here", "out", "some", "more",
    "like", "time", "today", "tomorrow", "meeting", "review", "deploy", "build", "fix", "bug", "release",
    "branch", "merge", "please", "check", "sure", "done", "great", "later", "morning", "lunch", "coffee", "doc",
    "draft", "slides", "team", "sprint", "ticket", "ready", "soon", "week", "monday", "friday", "works",
    "broken", "again", "looks", "nice", "agreed", "maybe", "tonight", "quick", "question", "answer", "idea",
    "budget", "invoice", "contract", "design", "logo", "colour", "font", "page", "link", "sent", "shared",
    "folder", "upload", "download", "approve", "sign", "notes", "agenda", "minutes", "schedule", "office",
    "remote", "holiday", "vacation", "sick", "late", "early", "busy", "free", "thursday", "wednesday"};
constexpr size_t kWordCount = sizeof kWords / sizeof kWords[0];

constexpr std::array<const char*, 16> kFirstNames{"Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi",
                                                  "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert",
                                                  "Sybil"};

constexpr double kRareWordChance = 1.0 / 10000;  // per message, shared by the rare words

template <typename T>
void shuffle(std::vector<T>& items, Rng& rng) {
    for (size_t i = items.size(); i > 1; --i) {
        std::swap(items[i - 1], items[static_cast<size_t>(rng.next() % i)]);
    }
}

}  // namespace

TrafficPools::TrafficPools(uint64_t seed)
    : userZipf_(kUsers, 0.9), channelZipf_(kChannels, 1.05), wordZipf_(kWordCount, 1.0) {
    Rng rng(seed);
    users_.reserve(kUsers);
    for (int i = 0; i < kUsers; ++i) {
        GenUser u;
        u.id = kFirstUser + i;
        u.displayName = std::string(kFirstNames[static_cast<size_t>(i) % kFirstNames.size()]) + " " + std::to_string(i);
        u.email = "u" + std::to_string(i) + "@example.org";
        users_.push_back(std::move(u));
    }
    usersByPopularity_.resize(kUsers);
    std::iota(usersByPopularity_.begin(), usersByPopularity_.end(), size_t{0});
    shuffle(usersByPopularity_, rng);
    channelsByPopularity_.resize(kChannels);
    std::iota(channelsByPopularity_.begin(), channelsByPopularity_.end(), kFirstChannel);
    shuffle(channelsByPopularity_, rng);
    for (size_t n = 0; n <= kMaxSessionChannels; ++n) {
        sessionZipf_.emplace_back(std::max(n, size_t{1}), 1.0);
    }
}

int64_t TrafficPools::sessionChannel(const std::vector<int64_t>& channels, Rng& rng) const {
    return channels[sessionZipf_.at(channels.size()).draw(rng)];
}

std::string TrafficPools::text(Rng& rng, FrameKeys& keys) const {
    std::string out;
    int64_t n = rng.between(2, 16);
    for (int64_t i = 0; i < n; ++i) {
        size_t w = wordZipf_.draw(rng);
        keys.commonWord = keys.commonWord || w == 0;
        if (i > 0) {
            out += ' ';
        }
        out += kWords[w];
    }
    if (rng.chance(kRareWordChance * GenFacts::kRareWords.size())) {
        keys.rareWord = static_cast<int>(rng.next() % GenFacts::kRareWords.size());
        out += ' ';
        out += GenFacts::kRareWords[static_cast<size_t>(keys.rareWord)];
    }
    return out;
}

}  // namespace rtmtap::gen
