// Reader::query and Reader::count against a brute-force oracle: a database of several thousand
// varied frames (so it has frame blocks and a tail after them), every filter alone and combined,
// both orders, and the same answers whatever the state of the indexes (text index behind, blocks
// missing, a file without the index tables at all).
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/SessionImporter.h"
#include "store/TextIndex.h"
#include "tests/support/FrameOracle.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>

namespace rtmtap {
namespace {

using test::passes;

constexpr int64_t kT0 = 1'764'000'000'000'000;  // wall clock of the first frame, µs
const char* const kEvents[] = {"chat.postMessage", "chat.updateMessage", "chat.reaction", "user.typing",
                               "channel.update", "user.online"};
const char* const kWords[] = {"hello", "world", "cafe", "meeting", "postpone", "zebra"};

struct Generated {
    int64_t t_us = 0;
    Message message;
};

std::string payloadFor(std::mt19937& rng, int64_t messageId) {
    int roll = static_cast<int>(rng() % 100);
    if (roll < 5) {
        return R"({"event":"chat.postMessage","payload":{"message":{"id":)";  // truncated: malformed
    }
    if (roll < 15) {
        return R"({"command":"ws_ping","data":{"n":)" + std::to_string(rng() % 9) + "}}";
    }
    const char* event = kEvents[rng() % 6];
    std::string words = std::string(kWords[rng() % 6]) + " " + kWords[rng() % 6];
    return std::string(R"({"event":")") + event + R"(","payload":{"message":{"id":)" + std::to_string(messageId) +
           R"(,"channel_id":)" + std::to_string(1 + rng() % 40) + R"(,"user_id":)" + std::to_string(100 + rng() % 25) +
           R"(,"message_type":)" + std::to_string(rng() % 3) + R"(,"content":")" + words + R"("}}})";
}

// Sessions 1..6 of 600..1,500 frames; text, binary, ping and pong; wall time rising 1 ms a frame.
void generate(const std::string& path) {
    std::mt19937 rng(7);
    SessionImporter importer(path);
    int64_t wall = kT0;
    int64_t messageId = 1000;
    for (int s = 0; s < 6; ++s) {
        ImportedSession session;
        session.info.started_wall_us = wall;
        session.info.client = "test";
        importer.beginSession(session);
        int frames = 600 + static_cast<int>(rng() % 900);
        for (int i = 0; i < frames; ++i) {
            Message m;
            int kind = static_cast<int>(rng() % 20);
            m.op = kind == 0 ? Opcode::Ping : kind == 1 ? Opcode::Pong : kind == 2 ? Opcode::Binary : Opcode::Text;
            m.dir = rng() % 3 == 0 ? Direction::ClientToServer : Direction::ServerToClient;
            m.payload = m.op == Opcode::Text ? payloadFor(rng, messageId++) : std::string("\x01\x02", 2);
            m.size = m.payload.size();
            m.t_us = i * 1000;
            m.wall_us = wall;
            wall += 1000;
            importer.addFrame(std::move(m));
        }
    }
    importer.commit();
    TextIndex::catchUp(path);
}

using Keys = std::vector<std::string>;

std::string key(const FrameRow& row) {
    return std::to_string(row.message.session) + ":" + std::to_string(row.message.seq);
}

class FrameSearchTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = dir_.file("q.db");
        generate(path_);
        const std::unique_ptr<Reader> reader = openReader(path_);
        reader->framesBetween(0, 1'000'000, FrameFilter{}, [&](const FrameRow& row) {
            all_.push_back(row);
            return true;
        });
    }

    Keys expected(const FrameFilter& filter, SearchOrder order) const {
        Keys keys;
        for (const FrameRow& row : all_) {
            if (passes(filter, row)) {
                keys.push_back(key(row));
            }
        }
        if (order == SearchOrder::Descending) {
            std::reverse(keys.begin(), keys.end());
        }
        return keys;
    }

    Keys actual(const FrameFilter& filter, SearchOrder order, size_t limit = 0) const {
        const std::unique_ptr<Reader> reader = openReader(path_);
        Keys keys;
        reader->query(filter, order, [&](const FrameRow& row) {
            keys.push_back(key(row));
            return limit == 0 || keys.size() < limit;
        });
        return keys;
    }

    // Both orders, a first page and the count agree with the oracle; the filter matches some
    // frames but not all (a test that cannot fail proves nothing).
    void check(const FrameFilter& filter, const std::string& what) {
        Keys asc = expected(filter, SearchOrder::Ascending);
        EXPECT_FALSE(asc.empty()) << what;
        EXPECT_LT(asc.size(), all_.size()) << what;
        EXPECT_EQ(actual(filter, SearchOrder::Ascending), asc) << what;
        EXPECT_EQ(actual(filter, SearchOrder::Descending), expected(filter, SearchOrder::Descending)) << what;
        Keys page(asc.begin(), asc.begin() + std::min<size_t>(asc.size(), 5));
        EXPECT_EQ(actual(filter, SearchOrder::Ascending, 5), page) << what;
        EXPECT_EQ(openReader(path_)->count(filter), static_cast<int64_t>(asc.size())) << what;
    }

    std::vector<std::pair<std::string, FrameFilter>> filters() const {
        std::vector<std::pair<std::string, FrameFilter>> out;
        auto add = [&](const std::string& what, auto set) {
            FrameFilter f;
            set(f);
            out.emplace_back(what, f);
        };
        add("session", [](FrameFilter& f) { f.sessions = {3}; });
        add("sessions", [](FrameFilter& f) { f.sessions = {2, 5}; });
        add("dir", [](FrameFilter& f) { f.dirs = {Direction::ClientToServer}; });
        add("op", [](FrameFilter& f) { f.ops = {Opcode::Ping, Opcode::Pong}; });
        add("kind", [](FrameFilter& f) { f.kinds = {Kind::Command}; });
        add("event", [](FrameFilter& f) { f.events = {"user.typing"}; });
        add("event glob", [](FrameFilter& f) { f.events = {"chat.*"}; });
        add("command", [](FrameFilter& f) { f.commands = {"ws_*"}; });
        add("channel", [](FrameFilter& f) { f.channels = {7}; });
        add("message", [](FrameFilter& f) { f.messages = {1500, 4000}; });
        add("user", [](FrameFilter& f) { f.users = {110}; });
        add("since", [](FrameFilter& f) { f.sinceUs = kT0 + 5'000'000; });
        add("until", [](FrameFilter& f) { f.untilUs = kT0 + 1'000'000; });
        add("time range", [](FrameFilter& f) {
            f.sinceUs = kT0 + 2'000'000;
            f.untilUs = kT0 + 2'500'000;
        });
        add("malformed", [](FrameFilter& f) { f.malformed = true; });
        add("text", [](FrameFilter& f) { f.words = {"zebra"}; });
        add("text words", [](FrameFilter& f) { f.words = {"Cafe", "meeting"}; });
        add("text dotted", [](FrameFilter& f) { f.words = {"chat.reaction"}; });
        add("text whole word", [](FrameFilter& f) { f.words = {"postpone", "hello"}; });
        add("combined", [](FrameFilter& f) {
            f.events = {"chat.*"};
            f.channels = {3, 4};
            f.dirs = {Direction::ServerToClient};
            f.sinceUs = kT0 + 1'000'000;
        });
        add("combined text", [](FrameFilter& f) {
            f.words = {"world"};
            f.users = {101, 102, 103};
            f.sessions = {1, 4};
        });
        add("text in a time window", [](FrameFilter& f) {  // the blocks are narrower than the word
            f.words = {"hello"};
            f.sinceUs = kT0 + 2'000'000;
            f.untilUs = kT0 + 2'300'000;
        });
        add("session and text", [](FrameFilter& f) {
            f.sessions = {4};
            f.words = {"chat.postMessage", "zebra"};
        });
        add("session and event", [](FrameFilter& f) {
            f.sessions = {2};
            f.events = {"chat.postMessage"};
            f.untilUs = kT0 + 3'000'000;
        });
        return out;
    }

    void checkAll(const std::string& state) {
        for (const auto& [what, filter] : filters()) {
            check(filter, state + ": " + what);
        }
    }

    void exec(const std::string& sql) {
        Database db(path_, Database::Mode::ReadWriteCreate);
        db.exec(sql);
    }

    test::TempDir dir_;
    std::string path_;
    std::vector<FrameRow> all_;
};

TEST_F(FrameSearchTest, TheDatabaseHasBlocksAndATailAndAFullTextIndex) {
    Database db(path_, Database::Mode::ReadOnly);
    int64_t frames = db.queryInt("SELECT count(*) FROM frames");
    int64_t blocks = db.queryInt("SELECT count(*) FROM frame_blocks");
    EXPECT_GT(frames, 5000);
    EXPECT_EQ(blocks, frames / 1024);
    // Blocks are consecutive, do not overlap and cover every frame but the tail.
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM frame_blocks b WHERE b.frames <> b.last_id - b.first_id + 1"), 0);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM frame_blocks b WHERE b.first_id <> 1 AND NOT EXISTS "
                          "(SELECT 1 FROM frame_blocks p WHERE p.last_id = b.first_id - 1)"),
              0);
    EXPECT_EQ(db.queryInt("SELECT max(last_id) FROM frame_blocks"), blocks * 1024);
    EXPECT_EQ(db.queryInt("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'text_indexed_upto'"), frames);
}

TEST_F(FrameSearchTest, EveryFilterMatchesTheOracle) {
    checkAll("indexed");
}

TEST_F(FrameSearchTest, TheSameAnswersWithTheTextIndexBehind) {
    exec("UPDATE meta SET value = 2500 WHERE key = 'text_indexed_upto'");
    checkAll("text index behind");
}

TEST_F(FrameSearchTest, TheSameAnswersWithBlocksMissing) {
    exec("DELETE FROM frame_blocks WHERE first_id > 2048");
    checkAll("blocks missing");
}

TEST_F(FrameSearchTest, TheSameAnswersInAFileWithoutTheIndexTables) {
    exec("DROP TABLE frame_blocks; DROP TABLE frames_fts");
    checkAll("no index tables");
}

TEST_F(FrameSearchTest, ANamePatternThatMatchesNoNameFindsNothing) {
    FrameFilter f;
    f.events = {"no.such.*"};
    EXPECT_TRUE(actual(f, SearchOrder::Ascending).empty());
    EXPECT_EQ(openReader(path_)->count(f), 0);
}

TEST_F(FrameSearchTest, AWordIsNotFoundInsideALongerWord) {
    FrameFilter f;
    f.words = {"post"};  // only in "postpone" and "chat.postMessage"
    EXPECT_TRUE(actual(f, SearchOrder::Ascending).empty());
    exec("UPDATE meta SET value = 0 WHERE key = 'text_indexed_upto'");
    EXPECT_TRUE(actual(f, SearchOrder::Ascending).empty());
    f.words = {"POSTPONE"};
    EXPECT_FALSE(actual(f, SearchOrder::Ascending).empty());
}

TEST_F(FrameSearchTest, AnEmptyFilterGivesEveryFrameInOrder) {
    FrameFilter f;
    EXPECT_EQ(actual(f, SearchOrder::Ascending), expected(f, SearchOrder::Ascending));
    EXPECT_EQ(openReader(path_)->count(f), static_cast<int64_t>(all_.size()));
}

TEST_F(FrameSearchTest, WhereComparesJsonValuesByType) {
    auto where = [](const std::string& path, JsonCondition::Type type, SqlValue value) {
        FrameFilter f;
        JsonCondition c;
        c.path = JsonPath::parse(path);
        c.type = type;
        c.value = std::move(value);
        f.wheres.push_back(c);
        return f;
    };
    FrameFilter type2 = where("payload.message.message_type", JsonCondition::Type::Integer, int64_t{2});
    Keys found = actual(type2, SearchOrder::Ascending);
    Keys expect;
    for (const FrameRow& row : all_) {
        if (row.message.payload.find(R"("message_type":2,)") != std::string::npos &&
            !(row.message.flags & MessageFlag::Malformed)) {
            expect.push_back(key(row));
        }
    }
    EXPECT_FALSE(expect.empty());
    EXPECT_EQ(found, expect);
    // The number 2 is not the string "2"; a real compares as a number.
    EXPECT_TRUE(actual(where("payload.message.message_type", JsonCondition::Type::Text, std::string("2")),
                       SearchOrder::Ascending)
                    .empty());
    EXPECT_EQ(actual(where("payload.message.message_type", JsonCondition::Type::Real, 2.0),
                     SearchOrder::Ascending),
              expect);
    Keys pings = actual(where("command", JsonCondition::Type::Text, std::string("ws_ping")), SearchOrder::Ascending);
    FrameFilter wsPing;
    wsPing.commands = {"ws_ping"};
    EXPECT_EQ(pings, expected(wsPing, SearchOrder::Ascending));
    EXPECT_TRUE(actual(where("nope", JsonCondition::Type::Null, {}), SearchOrder::Ascending).empty());
}

}  // namespace
}  // namespace rtmtap
