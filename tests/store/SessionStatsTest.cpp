// store/SessionStats over sessions built by hand and written through the Recorder, so every
// number below is known in advance: counts, ping/pong pairs, holding times, silences, endings.
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Recorder.h"
#include "store/SessionStats.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

constexpr Direction C2S = Direction::ClientToServer;
constexpr Direction S2C = Direction::ServerToClient;

Message frame(int64_t session, int64_t seq, Direction dir, Opcode op, std::string payload, int64_t t_us,
              int64_t holdUs) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = t_us;
    m.fwd_us = holdUs >= 0 ? t_us + holdUs : -1;
    m.wall_us = 1'764'000'000'000'000 + (session - 1) * 100'000'000 + t_us;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

const std::string kAuth = R"({"command":"ws_auth","auth_token":"x"})";
const std::string kPost = R"({"event":"chat.postMessage","payload":{}})";

// Session 1 (ended 1000 by client after 40.01 s):
//   a ping answered in 500 us, one never answered, a 40 s silence, a ping answered in 2000 us,
//   and a pong that answers nothing. Held 10, 20, ... 80 us (one frame not forwarded).
// Session 2 (still open): 30 s of silence first, then two pings with the same payload and one
//   pong: it answers the later ping (RFC 6455 5.5.3), the earlier one stays unanswered.
void record(const std::string& path) {
    RecorderOptions options;
    options.dbPath = path;
    Recorder recorder(options);
    for (int64_t id : {1, 2}) {
        SessionInfo info;
        info.id = id;
        info.started_wall_us = 1'764'000'000'000'000 + (id - 1) * 100'000'000;
        info.client = "127.0.0.1:1";
        recorder.onSessionStart(info);
    }
    recorder.onMessage(frame(1, 1, C2S, Opcode::Text, kAuth, 0, 10));
    recorder.onMessage(frame(1, 2, S2C, Opcode::Text, kPost, 1000, 20));
    recorder.onMessage(frame(1, 3, S2C, Opcode::Text, kPost, 2000, 30));
    recorder.onMessage(frame(1, 4, S2C, Opcode::Ping, "a", 3000, 40));
    recorder.onMessage(frame(1, 5, C2S, Opcode::Pong, "a", 3500, 50));
    recorder.onMessage(frame(1, 6, S2C, Opcode::Ping, "b", 4000, -1));
    recorder.onMessage(frame(1, 7, S2C, Opcode::Ping, "c", 40'004'000, 60));
    recorder.onMessage(frame(1, 8, C2S, Opcode::Pong, "c", 40'006'000, 70));
    recorder.onMessage(frame(1, 9, C2S, Opcode::Pong, "zzz", 40'007'000, 80));
    SessionEnd end;
    end.id = 1;
    end.ended_wall_us = 1'764'000'040'010'000;
    end.duration_us = 40'010'000;
    end.close_code = 1000;
    end.closed_by = "client";
    recorder.onSessionEnd(end);
    recorder.onMessage(frame(2, 1, S2C, Opcode::Ping, "x", 30'000'000, -1));
    recorder.onMessage(frame(2, 2, S2C, Opcode::Ping, "x", 30'001'000, -1));
    recorder.onMessage(frame(2, 3, C2S, Opcode::Pong, "x", 30'001'500, -1));
}

class SessionStatsTest : public ::testing::Test {
protected:
    void SetUp() override { record(dir_.file("s.db")); }

    SessionStats stats(std::optional<int64_t> session) {
        const std::unique_ptr<Reader> reader = openReader(dir_.file("s.db"));
        std::optional<SessionStats> s = computeSessionStats(*reader, session);
        EXPECT_TRUE(s.has_value());
        return s ? *s : SessionStats{};
    }

    test::TempDir dir_;
};

TEST_F(SessionStatsTest, CountsFramesBytesAndNamesPerDirection) {
    SessionStats s = stats(1);
    EXPECT_EQ(s.session, 1);
    EXPECT_EQ(s.sessions, 1);
    EXPECT_EQ(s.c2s.frames, 4);
    EXPECT_EQ(s.c2s.bytes, static_cast<int64_t>(kAuth.size() + 1 + 1 + 3));
    EXPECT_EQ(s.s2c.frames, 5);
    EXPECT_EQ(s.s2c.bytes, static_cast<int64_t>(2 * kPost.size() + 3));
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events[0].name, "chat.postMessage");
    EXPECT_EQ(s.events[0].count, 2);
    ASSERT_EQ(s.commands.size(), 1u);
    EXPECT_EQ(s.commands[0].name, "ws_auth");
    EXPECT_EQ(s.commands[0].count, 1);
}

TEST_F(SessionStatsTest, MatchesPingsToPongsAndCountsTheUnanswered) {
    SessionStats s = stats(1);
    EXPECT_EQ(s.ping.pings, 3);
    EXPECT_EQ(s.ping.unanswered, 1);
    EXPECT_EQ(s.ping.unsolicitedPongs, 1);
    EXPECT_EQ(s.ping.roundTrip.count, 2);
    EXPECT_EQ(s.ping.roundTrip.p50, 500);
    EXPECT_EQ(s.ping.roundTrip.p99, 2000);
    EXPECT_EQ(s.ping.roundTrip.max, 2000);
}

TEST_F(SessionStatsTest, APongAnswersTheLatestPingWithItsPayload) {
    SessionStats s = stats(2);
    EXPECT_EQ(s.ping.pings, 2);
    EXPECT_EQ(s.ping.unanswered, 1);
    EXPECT_EQ(s.ping.unsolicitedPongs, 0);
    ASSERT_EQ(s.ping.roundTrip.count, 1);
    EXPECT_EQ(s.ping.roundTrip.max, 500);
}

TEST_F(SessionStatsTest, HoldingTimePercentilesCoverForwardedFramesOnly) {
    SessionStats s = stats(1);
    EXPECT_EQ(s.holding.count, 8);
    EXPECT_EQ(s.holding.p50, 40);  // nearest rank: the 4th of 8
    EXPECT_EQ(s.holding.p99, 80);
    EXPECT_EQ(s.holding.max, 80);
    EXPECT_EQ(stats(2).holding.count, 0);
}

TEST_F(SessionStatsTest, FindsSilencesLongerThanTheThreshold) {
    SessionStats one = stats(1);
    ASSERT_EQ(one.gaps.size(), 1u);
    EXPECT_EQ(one.gaps[0].session, 1);
    EXPECT_EQ(one.gaps[0].start_us, 4000);
    EXPECT_EQ(one.gaps[0].length_us, 40'000'000);
    SessionStats two = stats(2);
    ASSERT_EQ(two.gaps.size(), 1u);  // from the session's start to its first frame
    EXPECT_EQ(two.gaps[0].start_us, 0);
    EXPECT_EQ(two.gaps[0].length_us, 30'000'000);

    const std::unique_ptr<Reader> reader = openReader(dir_.file("s.db"));
    SessionStatsSettings strict;
    strict.gapUs = 900;  // now every step of 1000 us or more counts
    std::optional<SessionStats> s = computeSessionStats(*reader, 1, strict);
    ASSERT_TRUE(s);
    // Three 1 ms steps, the 40 s silence, two more steps and the 3 ms up to the session's end.
    EXPECT_EQ(s->gaps.size(), 7u);
}

TEST_F(SessionStatsTest, RateBucketsCoverTheSession) {
    SessionStats s = stats(1);
    EXPECT_EQ(s.rate.bucket_us, 1'000'000);
    ASSERT_EQ(s.rate.counts.size(), 41u);  // 40.01 s
    EXPECT_EQ(s.rate.counts[0], 6);
    EXPECT_EQ(s.rate.counts[40], 3);
    int64_t total = 0;
    for (int64_t c : s.rate.counts) {
        total += c;
    }
    EXPECT_EQ(total, 9);
}

TEST_F(SessionStatsTest, TellsHowTheSessionEnded) {
    SessionStats s = stats(1);
    ASSERT_TRUE(s.ending);
    EXPECT_TRUE(s.ending->ended);
    EXPECT_EQ(s.ending->close_code, 1000);
    EXPECT_EQ(s.ending->closed_by, "client");
    EXPECT_EQ(s.ending->duration_us, 40'010'000);
    EXPECT_EQ(endingLabel(*s.ending), "1000 by client");
    SessionStats open = stats(2);
    ASSERT_TRUE(open.ending);
    EXPECT_FALSE(open.ending->ended);
    EXPECT_EQ(endingLabel(*open.ending), "open");
}

TEST_F(SessionStatsTest, AllSessionsAddUp) {
    SessionStats s = stats(std::nullopt);
    EXPECT_FALSE(s.session);
    EXPECT_EQ(s.sessions, 2);
    EXPECT_EQ(s.c2s.frames, 5);
    EXPECT_EQ(s.s2c.frames, 7);
    EXPECT_EQ(s.ping.pings, 5);
    EXPECT_EQ(s.ping.unanswered, 2);
    EXPECT_EQ(s.ping.roundTrip.count, 3);
    EXPECT_EQ(s.gaps.size(), 2u);
    EXPECT_FALSE(s.ending);
    ASSERT_EQ(s.endings.size(), 2u);
    EXPECT_EQ(s.endings[0].name, "1000 by client");
    EXPECT_EQ(s.endings[1].name, "open");
    int64_t total = 0;
    for (int64_t c : s.rate.counts) {
        total += c;
    }
    EXPECT_EQ(total, 12);
}

TEST_F(SessionStatsTest, UnknownSessionIsNullopt) {
    const std::unique_ptr<Reader> reader = openReader(dir_.file("s.db"));
    EXPECT_FALSE(computeSessionStats(*reader, 99));
}

TEST(SessionStatsEmptyTest, AnEmptyDatabaseGivesZeros) {
    test::TempDir dir;
    {
        RecorderOptions options;
        options.dbPath = dir.file("e.db");
        Recorder recorder(options);
    }
    const std::unique_ptr<Reader> reader = openReader(dir.file("e.db"));
    std::optional<SessionStats> s = computeSessionStats(*reader, std::nullopt);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->sessions, 0);
    EXPECT_EQ(s->c2s.frames + s->s2c.frames, 0);
    EXPECT_TRUE(s->rate.counts.empty());
    EXPECT_EQ(s->holding.count, 0);
}

TEST(PercentilesOfTest, NearestRanksOfAnyOrder) {
    std::vector<int64_t> values;
    for (int64_t v = 20; v >= 1; --v) {
        values.push_back(v * 10);
    }
    Percentiles p = percentilesOf(values);
    EXPECT_EQ(p.count, 20);
    EXPECT_EQ(p.p50, 100);  // the 10th of 20
    EXPECT_EQ(p.p90, 180);  // the 18th
    EXPECT_EQ(p.p99, 200);
    EXPECT_EQ(p.max, 200);
    std::vector<int64_t> none;
    EXPECT_EQ(percentilesOf(none).p90, 0);
}

}  // namespace
}  // namespace rtmtap
