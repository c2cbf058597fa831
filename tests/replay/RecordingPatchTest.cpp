// RecordingPatch: each rule action turned into the frames of a patched recording (payloads byte
// for byte outside the edited values, delays in TCP order, inserts in their own direction,
// close with a code and as a drop, nth), and the plans built from the result.
#include "replay/RecordingPatch.h"
#include "replay/ClientPlan.h"
#include "replay/ReplayPlan.h"

#include <gtest/gtest.h>

#include <sstream>

namespace rtmtap {
namespace {

const std::string kAuth = R"({"command":"ws_auth","auth_token":"recorded.token."})";
const std::string kOnline = R"({"event":"user.online","payload":{"user":{"id":91010001},"channel_id":11010000}})";
const std::string kTyping = R"({"event":"chat.userTyping","payload":{"channel_id":11010000}})";
const std::string kPost = "{\"event\" : \"chat.postMessage\", \"payload\":{\"message\":{\"id\":10004, \"content\":\"h\\u00e9llo\","
                          " \"channel_id\":11010000}},\"meta\":{\"x\":1.50}}";
const std::string kReaction = R"({"command":"ws_add_reaction","message_id":10004,"emoji_value":"U 1F600"})";
const std::string kUpdate = R"({"event":"chat.updateMessage","payload":{"message":{"id":10004,"channel_id":11010000}}})";

Message frame(int64_t seq, Direction dir, int64_t tMs, const std::string& payload) {
    Message m;
    m.session = 7;
    m.seq = seq;
    m.dir = dir;
    m.op = Opcode::Text;
    m.t_us = tMs * 1000;
    m.fwd_us = m.t_us + 10;
    m.wall_us = 1'700'000'000'000'000 + m.t_us;
    m.size = payload.size();
    m.payload = payload;
    return m;
}

// ws_auth at 1.000 s, server frames at 1.1, 1.3 and 1.6 s, a reaction at 1.7 s answered at 1.75 s;
// the client closed at 2 s.
Recording recording() {
    constexpr Direction c2s = Direction::ClientToServer, s2c = Direction::ServerToClient;
    Recording r;
    r.info.id = 7;
    r.info.started_wall_us = 1'700'000'000'000'000;
    r.frames = {frame(1, c2s, 1000, kAuth),   frame(2, s2c, 1100, kOnline),    frame(3, s2c, 1300, kTyping),
                frame(4, s2c, 1600, kPost),   frame(5, c2s, 1700, kReaction), frame(6, s2c, 1750, kUpdate)};
    SessionEnd end;
    end.id = 7;
    end.closed_by = "client";
    end.close_code = 1000;
    end.duration_us = 2'000'000;
    r.end = end;
    return r;
}

class RecordingPatchTest : public ::testing::Test {
protected:
    Recording patch(const std::string& rules, const Recording& source = recording()) {
        std::istringstream in(rules);
        engine_ = std::make_unique<RuleEngine>(RuleSet::parse(in, "p.jsonl"), warnings_);
        return RecordingPatch::patched(source, *engine_, &counts_);
    }

    std::ostringstream warnings_;
    std::unique_ptr<RuleEngine> engine_;
    PatchCounts counts_;
};

// (seq, t in ms, payload) of every frame, and seq 1..N in order.
std::vector<std::string> payloads(const Recording& r) {
    std::vector<std::string> out;
    for (size_t i = 0; i < r.frames.size(); ++i) {
        EXPECT_EQ(r.frames[i].seq, static_cast<int64_t>(i) + 1);
        out.push_back(r.frames[i].payload);
    }
    return out;
}

std::vector<int64_t> timesMs(const Recording& r) {
    std::vector<int64_t> out;
    for (const Message& m : r.frames) {
        out.push_back(m.t_us / 1000);
    }
    return out;
}

TEST_F(RecordingPatchTest, RulesThatMatchNothingLeaveTheRecordingAsItIs) {
    const Recording source = recording();
    const Recording r = patch(R"({"match": {"event": "nothing.here"}, "drop": true})");
    ASSERT_EQ(r.frames.size(), source.frames.size());
    for (size_t i = 0; i < r.frames.size(); ++i) {
        EXPECT_EQ(r.frames[i].payload, source.frames[i].payload);
        EXPECT_EQ(r.frames[i].t_us, source.frames[i].t_us);
        EXPECT_EQ(r.frames[i].fwd_us, source.frames[i].fwd_us);
        EXPECT_EQ(r.frames[i].flags, 0u);
    }
    EXPECT_EQ(r.end->duration_us, 2'000'000);
    EXPECT_EQ(counts_.describe(), "0 dropped, 0 edited, 0 injected, 0 delayed");
    EXPECT_EQ(engine_->count(0).matched, 0u);
}

TEST_F(RecordingPatchTest, DropLeavesTheFrameOutAndRenumbers) {
    const Recording r = patch(R"({"match": {"event": "chat.userTyping"}, "drop": true})");
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kPost, kReaction, kUpdate}));
    EXPECT_EQ(counts_.dropped, 1u);
    EXPECT_EQ(engine_->count(0).touched, 1u);
}

TEST_F(RecordingPatchTest, SetReplacesTheFrameAtItsTimeFlaggedEditedWithEveryOtherByteKept) {
    const Recording r = patch(R"({"match": {"event": "chat.postMessage"}, "set": {"payload.message.content": "x"}})");
    const std::string edited = "{\"event\" : \"chat.postMessage\", \"payload\":{\"message\":{\"id\":10004, \"content\":\"x\","
                               " \"channel_id\":11010000}},\"meta\":{\"x\":1.50}}";
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kTyping, edited, kReaction, kUpdate}));
    EXPECT_EQ(r.frames[3].flags, MessageFlag::Edited);
    EXPECT_EQ(r.frames[3].t_us, 1'600'000);
    EXPECT_EQ(r.frames[3].size, edited.size());
    EXPECT_EQ(r.frames[3].dir, Direction::ServerToClient);
    EXPECT_EQ(r.frames[3].edit_of, 0);  // its original is not in the patched recording
    for (size_t i : {0, 1, 2, 4, 5}) {
        EXPECT_EQ(r.frames[i].flags, 0u) << i;
    }
    EXPECT_EQ(counts_.edited, 1u);
}

TEST_F(RecordingPatchTest, ReplaceSendsTheRuleFrameInPlaceOfTheMatchedOne) {
    const Recording r = patch(R"({"match": {"event": "chat.userTyping"}, "replace": {"op": "binary", "data": {"base64": "AAE="}}})");
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, std::string("\0\1", 2), kPost, kReaction, kUpdate}));
    EXPECT_EQ(r.frames[2].op, Opcode::Binary);
    EXPECT_EQ(r.frames[2].flags, MessageFlag::Edited);
    EXPECT_EQ(r.frames[2].t_us, 1'300'000);
}

// How the engine says duplicate (edited copies, or the frame and injected copies after it) is
// its own; the patch sends the frame three times at its time either way, the copies flagged.
TEST_F(RecordingPatchTest, DuplicateSendsTheFrameNTimesAtItsTime) {
    const Recording r = patch(R"({"match": {"event": "user.online"}, "duplicate": 3})");
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kOnline, kOnline, kTyping, kPost, kReaction, kUpdate}));
    size_t flagged = 0;
    for (size_t i : {1, 2, 3}) {
        EXPECT_EQ(r.frames[i].t_us, 1'100'000);
        EXPECT_EQ(r.frames[i].dir, Direction::ServerToClient);
        flagged += (r.frames[i].flags & (MessageFlag::Edited | MessageFlag::Injected)) != 0;
    }
    EXPECT_GE(flagged, 2u);
}

TEST_F(RecordingPatchTest, DelayMovesTheFrameAndTheLaterFramesOfItsDirectionStayBehindIt) {
    const Recording r = patch(R"({"match": {"event": "user.online"}, "delay_ms": 450})");
    // user.online to 1.55 s; the typing (1.3 s) waits behind it; the post (1.6 s) and the
    // client's reaction keep their times.
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kTyping, kPost, kReaction, kUpdate}));
    EXPECT_EQ(timesMs(r), (std::vector<int64_t>{1000, 1550, 1550, 1600, 1700, 1750}));
    EXPECT_EQ(r.frames[1].fwd_us, 1'550'010);
    EXPECT_EQ(counts_.delayed, 1u);
}

TEST_F(RecordingPatchTest, ADelayPastTheOtherDirectionReordersTheRecordingAndStretchesItsEnd) {
    const Recording r = patch(R"({"match": {"event": "chat.postMessage"}, "delay_ms": 1000})");
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kTyping, kReaction, kPost, kUpdate}));
    EXPECT_EQ(timesMs(r), (std::vector<int64_t>{1000, 1100, 1300, 1700, 2600, 2600}));
    EXPECT_EQ(r.end->duration_us, 2'600'000);
}

TEST_F(RecordingPatchTest, InsertsGoInTheirOwnDirectionBeforeOrAfterTheFrameFlaggedInjected) {
    const Recording r = patch(
        R"({"match": {"command": "ws_add_reaction"}, "insert_before": [{"data": {"command": "ws_ping"}}]})"
        "\n"
        R"({"match": {"event": "chat.userTyping"}, "insert_after": [{"dir": "s2c", "data": {"event": "a"}},)"
        R"( {"dir": "c2s", "after_ms": 500, "data": {"command": "ws_ping"}}]})");
    ASSERT_EQ(r.frames.size(), 9u);
    auto at = [&](size_t i) { return std::make_tuple(r.frames[i].dir, r.frames[i].t_us / 1000, r.frames[i].flags); };
    using T = std::tuple<Direction, int64_t, uint32_t>;
    constexpr Direction c2s = Direction::ClientToServer, s2c = Direction::ServerToClient;
    EXPECT_EQ(r.frames[2].payload, kTyping);
    EXPECT_EQ(at(3), (T{s2c, 1300, MessageFlag::Injected}));  // just after the typing
    EXPECT_EQ(r.frames[3].payload, R"({"event": "a"})");
    EXPECT_EQ(r.frames[4].payload, kPost);
    EXPECT_EQ(at(5), (T{c2s, 1700, MessageFlag::Injected}));  // the reaction's insert_before, in its direction
    EXPECT_EQ(r.frames[5].payload, R"({"command": "ws_ping"})");
    EXPECT_EQ(r.frames[6].payload, kReaction);
    EXPECT_EQ(r.frames[7].payload, kUpdate);  // not held up by the insert due after it
    EXPECT_EQ(at(8), (T{c2s, 1800, MessageFlag::Injected}));  // 500 ms after the typing
    EXPECT_EQ(counts_.injected, 3u);
}

TEST_F(RecordingPatchTest, NthActsOnThatMatchOnly) {
    const Recording r = patch(R"({"match": {"dir": "s2c", "nth": 2}, "drop": true})");
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kPost, kReaction, kUpdate}));
    EXPECT_EQ(engine_->count(0).matched, 4u);
    EXPECT_EQ(engine_->count(0).touched, 1u);
}

TEST_F(RecordingPatchTest, CloseByTheServerWithACodeEndsTheSessionWithItsCloseFrame) {
    const Recording r = patch(R"({"match": {"event": "chat.postMessage"}, "close": {"by": "server", "code": 4000, "reason": "bye"}})");
    ASSERT_EQ(r.frames.size(), 4u);
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kTyping, std::string("\x0f\xa0", 2) + "bye"}));
    const Message& close = r.frames.back();
    EXPECT_EQ(close.op, Opcode::Close);
    EXPECT_EQ(close.dir, Direction::ServerToClient);
    EXPECT_EQ(close.flags, MessageFlag::Injected);
    EXPECT_EQ(close.t_us, 1'600'000);
    ASSERT_TRUE(r.end);
    EXPECT_EQ(r.end->closed_by, "server");
    EXPECT_EQ(r.end->close_code, 4000);
    EXPECT_EQ(r.end->close_reason, "bye");
    EXPECT_EQ(r.end->duration_us, 1'600'000);
    EXPECT_EQ(counts_.cut, 2u);  // the reaction and the update
    EXPECT_EQ(counts_.describe(), "0 dropped, 0 edited, 1 injected, 0 delayed; closed by the server (4000), 2 later frames cut");
    // Served: the close frame is the last server frame, and no drop follows.
    const ReplayPlan plan = buildReplayPlan(r.frames, r.end, PlanOptions{});
    ASSERT_EQ(plan.frames.size(), 3u);
    EXPECT_EQ(plan.frames.back().frame->op, Opcode::Close);
    EXPECT_FALSE(plan.dropAtUs);
}

TEST_F(RecordingPatchTest, CloseWith1006IsADropByThatSideAtTheFrame) {
    const Recording r = patch(R"({"match": {"event": "chat.postMessage"}, "close": {"by": "server", "code": 1006}})");
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, kTyping}));
    EXPECT_EQ(r.end->closed_by, "server");
    EXPECT_EQ(r.end->close_code, 1006);
    EXPECT_EQ(r.end->duration_us, 1'600'000);
    const ReplayPlan plan = buildReplayPlan(r.frames, r.end, PlanOptions{});
    ASSERT_TRUE(plan.dropAtUs);
    EXPECT_EQ(*plan.dropAtUs, 600'000);  // after ws_auth at 1.0 s
}

TEST_F(RecordingPatchTest, CloseByTheClientEndsWhatTheServerSideServes) {
    const Recording r = patch(R"({"match": {"command": "ws_add_reaction"}, "close": {"by": "client", "code": 1000}})");
    ASSERT_EQ(r.frames.size(), 5u);
    EXPECT_EQ(r.frames.back().dir, Direction::ClientToServer);
    EXPECT_EQ(r.frames.back().op, Opcode::Close);
    EXPECT_EQ(r.end->closed_by, "client");
    const ClientPlan sends = buildClientPlan(r.frames);
    EXPECT_TRUE(sends.sends.empty());  // the reaction was not sent: the session ended instead
    EXPECT_EQ(sends.close, &r.frames.back());  // --to ends with the rule's close, not 1000
    EXPECT_EQ(buildClientPlan(recording().frames).close, nullptr);
}

TEST_F(RecordingPatchTest, AFrameHeldPastACloseNeverWent) {
    const Recording r = patch(R"({"match": {"event": "chat.userTyping"}, "delay_ms": 1000})"
                              "\n"
                              R"({"match": {"command": "ws_add_reaction"}, "close": {"by": "server", "code": 1000}})");
    // The typing (to 2.3 s) and the post behind it (to 2.3 s) were still held at 1.7 s.
    EXPECT_EQ(payloads(r), (std::vector<std::string>{kAuth, kOnline, std::string("\x03\xe8", 2)}));
    EXPECT_EQ(counts_.cut, 3u);  // the two held frames and the update
}

TEST_F(RecordingPatchTest, FramesTheRecordingDroppedAreNotShownToTheRulesAndEditOfFollowsTheRenumbering) {
    Recording source = recording();
    source.frames[2].flags = MessageFlag::Dropped;  // the typing was edited live: 3 dropped, 4 in its place
    Message copy = source.frames[2];
    copy.flags = MessageFlag::Edited;
    copy.edit_of = 3;
    source.frames.insert(source.frames.begin() + 3, copy);
    for (size_t i = 0; i < source.frames.size(); ++i) {
        source.frames[i].seq = static_cast<int64_t>(i) + 1;
    }
    const Recording r = patch(R"({"match": {"event": "user.online"}, "drop": true})"
                              "\n"
                              R"({"match": {"event": "chat.userTyping"}, "set": {"payload.x": 1}})",
                              source);
    ASSERT_EQ(r.frames.size(), 6u);
    EXPECT_EQ(r.frames[1].flags, MessageFlag::Dropped);
    EXPECT_EQ(r.frames[1].payload, kTyping);  // as recorded
    EXPECT_EQ(r.frames[2].flags, MessageFlag::Edited);
    EXPECT_EQ(r.frames[2].edit_of, 0);  // the rule replaced the live copy: a new frame
    EXPECT_EQ(engine_->count(1).matched, 1u);  // the live copy only
}

TEST_F(RecordingPatchTest, EditOfIsRenumberedWithTheFramesItPointsAt) {
    Recording source = recording();
    source.frames[2].flags = MessageFlag::Dropped;
    source.frames[3].flags = MessageFlag::Edited;
    source.frames[3].edit_of = 3;
    const Recording r = patch(R"({"match": {"event": "user.online"}, "drop": true})", source);
    ASSERT_EQ(r.frames.size(), 5u);
    EXPECT_EQ(r.frames[2].edit_of, 2);
}

}  // namespace
}  // namespace rtmtap
