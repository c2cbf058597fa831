// The viewer's big-session fixture (tests/support/BigSession.h): every frame in the store,
// numbered 1..N, indexed as the recorder indexes (names, channel ids, the text index), with the
// keepalives, the silence and the close that `stats` reports.
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/SessionStats.h"
#include "tests/support/BigSession.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace rtmtap {
namespace {

constexpr int64_t kFrames = 30'000;

// How many of the made frames carry each event or command name, read from their payloads.
std::map<std::string, int64_t> namesIn(const test::CraftedSession& session) {
    std::map<std::string, int64_t> counts;
    for (const Message& m : session.messages()) {
        const auto json = m.op == Opcode::Text ? test::jsonObjectOf(m.payload) : nullptr;
        if (json && json->has("event")) {
            ++counts["event " + json->getValue<std::string>("event")];
        } else if (json && json->has("command")) {
            ++counts["command " + json->getValue<std::string>("command")];
        }
    }
    return counts;
}

int64_t count(Reader& reader, int64_t session, FrameFilter filter) {
    filter.sessions = {session};
    return reader.count(filter);
}

class BigSessionTest : public ::testing::Test {
protected:
    test::TempDir dir;
    const std::string db = dir.file("big.db");
};

TEST_F(BigSessionTest, EveryFrameIsStoredInOrderWithItsTimes) {
    test::BigSessionOptions options;
    options.label = "big";
    const int64_t id = test::writeBigSession(db, kFrames, options);
    const std::unique_ptr<Reader> reader = openReader(db);
    const auto row = reader->session(id);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->frames, kFrames);
    EXPECT_EQ(row->label, "big");
    EXPECT_EQ(row->user_id, test::kBigSessionUser);
    EXPECT_EQ(row->close_code, 1000);
    EXPECT_EQ(row->closed_by, "client");
    EXPECT_EQ(row->started_wall_us, options.startWallUs);

    int64_t seq = 0, lastT = -1;
    std::string firstName;
    Opcode lastOp = Opcode::Text;
    reader->frames(id, [&](const FrameRow& f) {
        EXPECT_EQ(f.message.seq, ++seq);
        EXPECT_GT(f.message.t_us, lastT) << "seq " << seq;
        EXPECT_EQ(f.message.wall_us, options.startWallUs + f.message.t_us) << "seq " << seq;
        lastT = f.message.t_us;
        if (seq == 1) {
            firstName = f.kind + " " + f.name;
        }
        lastOp = f.message.op;
        return true;
    });
    EXPECT_EQ(seq, kFrames);
    EXPECT_EQ(firstName, "command ws_auth");
    EXPECT_EQ(lastOp, Opcode::Close);
}

TEST_F(BigSessionTest, NamesChannelsAndWordsAreIndexed) {
    const test::CraftedSession made = test::bigSession(kFrames);
    const int64_t id = test::writeBigSession(db, kFrames);
    const std::unique_ptr<Reader> reader = openReader(db);
    const auto names = namesIn(made);
    ASSERT_GE(names.size(), 7u);
    EXPECT_GT(names.at("event chat.postMessage"), kFrames / 2);
    for (const auto& [name, made] : names) {
        const std::string kind = name.substr(0, name.find(' '));
        FrameFilter filter;
        std::vector<std::string>& patterns = kind == "event" ? filter.events : filter.commands;
        patterns.push_back(name.substr(kind.size() + 1));
        EXPECT_EQ(count(*reader, id, filter), made) << name;
    }

    int64_t inChannel = 0, withWord = 0;
    for (const Message& m : made.messages()) {
        const auto json = m.op == Opcode::Text ? test::jsonObjectOf(m.payload) : nullptr;
        if (json && json->optValue<std::string>("event", "") == "chat.postMessage" &&
            json->getObject("payload")->getObject("message")->getValue<int64_t>("channel_id") == 11010003) {
            ++inChannel;
        }
        withWord += m.payload.find("invoice") != std::string::npos ? 1 : 0;
    }
    FrameFilter postsInChannel;
    postsInChannel.events = {"chat.postMessage"};
    postsInChannel.channels = {11010003};
    EXPECT_GT(inChannel, 0);
    EXPECT_EQ(count(*reader, id, postsInChannel), inChannel);
    FrameFilter word;
    word.words = {"invoice"};
    EXPECT_GT(withWord, 0);
    EXPECT_EQ(count(*reader, id, word), withWord);
}

TEST_F(BigSessionTest, StatsSeeAnsweredPingsOneSilenceAndTheClose) {
    const test::BigSessionOptions options;
    const int64_t id = test::writeBigSession(db, kFrames, options);
    const std::unique_ptr<Reader> reader = openReader(db);
    const auto stats = computeSessionStats(*reader, id);
    ASSERT_TRUE(stats);
    // No ping during the silence: one every pingEveryUs of the rest, the one cut by it aside.
    EXPECT_GE(stats->ping.pings, kFrames * options.frameGapUs / options.pingEveryUs - 2);
    EXPECT_EQ(stats->ping.unanswered, 0);
    EXPECT_EQ(stats->ping.unsolicitedPongs, 0);
    ASSERT_EQ(stats->gaps.size(), 1u);
    EXPECT_GE(stats->gaps[0].length_us, options.silenceUs);
    ASSERT_TRUE(stats->ending);
    EXPECT_EQ(endingLabel(*stats->ending), "1000 by client");
}

TEST_F(BigSessionTest, AnotherSessionTakesTheNextIdAndShortOnesStayWhole) {
    const int64_t first = test::writeBigSession(db, 3);
    const int64_t second = test::writeBigSession(db, 1);
    const int64_t third = test::writeBigSession(db, 2000);
    EXPECT_EQ(second, first + 1);
    EXPECT_EQ(third, second + 1);
    const std::unique_ptr<Reader> reader = openReader(db);
    EXPECT_EQ(reader->session(first)->frames, 3);
    EXPECT_EQ(reader->session(second)->frames, 1);
    EXPECT_EQ(reader->session(third)->frames, 2000);
    FrameFilter closes;
    closes.ops = {Opcode::Close};
    EXPECT_EQ(count(*reader, first, closes), 2);
    EXPECT_EQ(count(*reader, second, closes), 0);
    EXPECT_EQ(count(*reader, third, closes), 2);
}

}  // namespace
}  // namespace rtmtap
