#pragma once
// The world the sessions share: ~5,000 channels and ~20,000 users with skewed popularity (a
// random permutation decides who is popular, so popularity does not follow the id), and the
// words messages are made of.
#include "GenFacts.h"
#include "Rng.h"
#include "RtmPayloads.h"
#include "ZipfTable.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::gen {

class TrafficPools {
public:
    static constexpr int64_t kFirstChannel = 11010000;
    static constexpr int kChannels = 5000;
    static constexpr int64_t kFirstUser = 91010000;
    static constexpr int kUsers = 20000;
    static constexpr size_t kMaxSessionChannels = 40;

    explicit TrafficPools(uint64_t seed);

    int64_t drawChannel(Rng& rng) const { return channelsByPopularity_[channelZipf_.draw(rng)]; }
    const GenUser& drawUser(Rng& rng) const { return users_[usersByPopularity_[userZipf_.draw(rng)]]; }
    const GenUser& user(int64_t id) const { return users_.at(static_cast<size_t>(id - kFirstUser)); }
    // A channel of a session's own list (busiest first), skewed towards the first.
    int64_t sessionChannel(const std::vector<int64_t>& channels, Rng& rng) const;
    // A chat message's text: 2 to 16 words; keys learns whether it holds the common word or a
    // rare one (each rare word goes into about one message in 40,000).
    std::string text(Rng& rng, FrameKeys& keys) const;

private:
    std::vector<GenUser> users_;
    std::vector<size_t> usersByPopularity_;
    std::vector<int64_t> channelsByPopularity_;
    ZipfTable userZipf_, channelZipf_, wordZipf_;
    std::vector<ZipfTable> sessionZipf_;  // [n]: over a session's n channels
};

}  // namespace rtmtap::gen
