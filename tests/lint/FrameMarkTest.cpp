// FrameMark: what a rule keeps of a frame it has passed (its header and name, not its payload),
// and how lint's sentences name frames and durations.
#include "lint/Durations.h"
#include "lint/FrameMark.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

Message frame(int64_t seq, Direction dir, Opcode op, std::string payload) {
    Message m;
    m.session = 3;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = 1500;
    m.wall_us = 1'764'000'000'001'500;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

TEST(FrameMarkTest, KeepsTheHeaderAndNameWithoutThePayload) {
    Message m = frame(41, Direction::ClientToServer, Opcode::Text, R"({"command":"ws_nonsense","x":"long"})");
    FrameMark mark{LintFrame(m)};
    EXPECT_EQ(mark.message.session, 3);
    EXPECT_EQ(mark.message.seq, 41);
    EXPECT_EQ(mark.message.t_us, 1500);
    EXPECT_EQ(mark.message.wall_us, m.wall_us);
    EXPECT_EQ(mark.message.size, m.payload.size());
    EXPECT_TRUE(mark.message.payload.empty());
    EXPECT_EQ(mark.describe(), "#41 c2s 'ws_nonsense'");
}

TEST(FrameMarkTest, NamesFramesWithoutACommandOrEventByTheirOpcode) {
    Message ping = frame(40, Direction::ServerToClient, Opcode::Ping, "");
    EXPECT_EQ(FrameMark(LintFrame(ping)).describe(), "#40 s2c ping");
    Message broken = frame(7, Direction::ClientToServer, Opcode::Text, "{\"command\":");
    EXPECT_EQ(FrameMark(LintFrame(broken)).describe(), "#7 c2s text");
    Message event = frame(8, Direction::ServerToClient, Opcode::Text, R"({"event":"pong"})");
    EXPECT_EQ(FrameMark(LintFrame(event)).describe(), "#8 s2c 'pong'");
}

TEST(FrameMarkTest, DurationsHaveTwoDecimalsUnderASecondAndOneAbove) {
    EXPECT_EQ(describeDuration(0), "0.00 s");
    EXPECT_EQ(describeDuration(50'000), "0.05 s");
    EXPECT_EQ(describeDuration(41'249'000), "41.2 s");
    EXPECT_EQ(describeDuration(61'000'000), "1 min 01 s");
}

}  // namespace
}  // namespace rtmtap
