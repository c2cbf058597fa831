// Reader::framesBetween with each FrameFilter field alone and combined: the SQL built from the
// filter selects exactly the frames it names, in insertion order, within the id range.
#include "store/FrameFilter.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Recorder.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

Message frame(int64_t session, int64_t seq, Direction dir, Opcode op, std::string payload) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = seq * 1000;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

// Ids 1..8, in this order.
void record(const std::string& path) {
    RecorderOptions options;
    options.dbPath = path;
    Recorder recorder(options);
    const Direction c2s = Direction::ClientToServer, s2c = Direction::ServerToClient;
    recorder.onMessage(frame(1, 1, c2s, Opcode::Text, R"({"command":"ws_auth"})"));
    recorder.onMessage(frame(1, 2, s2c, Opcode::Text, R"({"event":"chat.postMessage"})"));
    recorder.onMessage(frame(2, 1, s2c, Opcode::Text, R"({"event":"chat.userTyping"})"));
    recorder.onMessage(frame(2, 2, s2c, Opcode::Ping, "p"));
    recorder.onMessage(frame(2, 3, c2s, Opcode::Pong, "p"));
    recorder.onMessage(frame(1, 3, c2s, Opcode::Text, R"({"command":"ws_ephemeral_typing"})"));
    recorder.onMessage(frame(1, 4, s2c, Opcode::Text, R"({"event":"user.online"})"));
    recorder.onMessage(frame(1, 5, s2c, Opcode::Binary, std::string("\x00\x01", 2)));
}

class FrameFilterTest : public ::testing::Test {
protected:
    void SetUp() override { record(dir_.file("f.db")); }

    // "session:seq" of each frame the filter passes, among ids after..upTo.
    std::vector<std::string> select(const FrameFilter& filter, int64_t after = 0, int64_t upTo = 1000) {
        const std::unique_ptr<Reader> reader = openReader(dir_.file("f.db"));
        std::vector<std::string> out;
        reader->framesBetween(after, upTo, filter, [&](const FrameRow& row) {
            out.push_back(std::to_string(row.message.session) + ":" + std::to_string(row.message.seq));
            return true;
        });
        return out;
    }

    test::TempDir dir_;
};

using Ids = std::vector<std::string>;

TEST_F(FrameFilterTest, EmptyFilterPassesEverythingInInsertionOrder) {
    EXPECT_EQ(select({}), (Ids{"1:1", "1:2", "2:1", "2:2", "2:3", "1:3", "1:4", "1:5"}));
    const std::unique_ptr<Reader> reader = openReader(dir_.file("f.db"));
    EXPECT_EQ(reader->lastFrameId(), 8);
}

TEST_F(FrameFilterTest, IdRangeIsHalfOpen) {
    EXPECT_EQ(select({}, 2, 5), (Ids{"2:1", "2:2", "2:3"}));
    EXPECT_TRUE(select({}, 8, 1000).empty());
}

TEST_F(FrameFilterTest, EachFieldAlone) {
    FrameFilter session;
    session.sessions = {2};
    EXPECT_EQ(select(session), (Ids{"2:1", "2:2", "2:3"}));
    FrameFilter dir;
    dir.dirs = {Direction::ClientToServer};
    EXPECT_EQ(select(dir), (Ids{"1:1", "2:3", "1:3"}));
    FrameFilter op;
    op.ops = {Opcode::Ping, Opcode::Binary};
    EXPECT_EQ(select(op), (Ids{"2:2", "1:5"}));
    FrameFilter kind;
    kind.kinds = {Kind::Command};
    EXPECT_EQ(select(kind), (Ids{"1:1", "1:3"}));
    FrameFilter control;
    control.kinds = {Kind::Control};
    EXPECT_EQ(select(control), (Ids{"2:2", "2:3"}));
    FrameFilter event;
    event.events = {"chat.*"};
    EXPECT_EQ(select(event), (Ids{"1:2", "2:1"}));
    FrameFilter command;
    command.commands = {"ws_auth"};
    EXPECT_EQ(select(command), (Ids{"1:1"}));
}

TEST_F(FrameFilterTest, EventAndCommandNamesAreOneFilter) {
    FrameFilter names;
    names.events = {"user.online", "chat.userTyping"};
    names.commands = {"*typing"};
    EXPECT_EQ(select(names), (Ids{"2:1", "1:3", "1:4"}));
    // An event pattern never matches a command with that name.
    FrameFilter wrongKind;
    wrongKind.events = {"ws_*"};
    EXPECT_TRUE(select(wrongKind).empty());
}

TEST_F(FrameFilterTest, FieldsCombineWithAnd) {
    FrameFilter filter;
    filter.sessions = {1};
    filter.dirs = {Direction::ServerToClient};
    filter.ops = {Opcode::Text};
    EXPECT_EQ(select(filter), (Ids{"1:2", "1:4"}));
    filter.events = {"chat.*"};
    EXPECT_EQ(select(filter), (Ids{"1:2"}));
    filter.sessions = {2};
    EXPECT_EQ(select(filter), (Ids{"2:1"}));
    filter.events = {"chat.postMessage"};
    EXPECT_TRUE(select(filter).empty());
}

TEST_F(FrameFilterTest, PatternsAreBoundNotPastedIntoTheSql) {
    FrameFilter filter;
    filter.events = {"x') OR 1=1 --"};
    EXPECT_TRUE(select(filter).empty());
}

}  // namespace
}  // namespace rtmtap
