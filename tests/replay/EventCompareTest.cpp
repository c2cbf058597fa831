#include "replay/EventCompare.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rtmtap {
namespace {

Message event(const std::string& payload, int64_t seq = 1, Opcode op = Opcode::Text) {
    Message m;
    m.seq = seq;
    m.dir = Direction::ServerToClient;
    m.op = op;
    m.payload = payload;
    return m;
}

std::string keyOf(const EventCompare& compare, const std::string& payload, const IdMap* ids = nullptr) {
    return compare.view(event(payload), ids).key;
}

TEST(EventCompareTest, TimesTheServerStampsAnewAreIgnored) {
    EventCompare compare;
    const std::string a =
        R"({"meta":{"api":"v1","emitted_on":1571330672.123456},"event":"chat.postMessage","payload":{"message":{"id":7,)"
        R"("content":"hi","created_on":"2020-01-01 10:00:00","created_on_ts":1577872800,"user":{"last_active_on":"x","last_active_on_ts":1}}}})";
    const std::string b =
        R"({"meta":{"api":"v1","emitted_on":1700000000.5},"event":"chat.postMessage","payload":{"message":{"id":7,)"
        R"("content":"hi","created_on":"2026-11-30 00:00:00","created_on_ts":1795000000,"user":{"last_active_on":"y","last_active_on_ts":2}}}})";
    EXPECT_EQ(keyOf(compare, a), keyOf(compare, b));
    EventView v = compare.view(event(a), nullptr);
    EXPECT_EQ(v.name, "chat.postMessage");
    for (const auto& [path, value] : v.fields) {
        EXPECT_EQ(path.find("created_on"), std::string::npos) << path;
        EXPECT_NE(path, "meta.emitted_on");
    }
    EXPECT_NE(v.describe().find("payload.message.content=\"hi\""), std::string::npos) << v.describe();
}

TEST(EventCompareTest, OtherFieldsDifferAndChangesNameThem) {
    EventCompare compare;
    const std::string a = R"({"event":"chat.postMessage","payload":{"message":{"id":7,"content":"hi"}}})";
    const std::string b = R"({"event":"chat.postMessage","payload":{"message":{"id":7,"content":"bye","is_edited":true}}})";
    EXPECT_NE(keyOf(compare, a), keyOf(compare, b));
    std::vector<FieldChange> changes = EventCompare::changes(compare.view(event(a), nullptr), compare.view(event(b), nullptr));
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].path, "payload.message.content");
    EXPECT_EQ(changes[0].recorded, "\"hi\"");
    EXPECT_EQ(changes[0].received, "\"bye\"");
    EXPECT_EQ(changes[1].path, "payload.message.is_edited");
    EXPECT_EQ(changes[1].recorded, "");
    EXPECT_EQ(changes[1].received, "true");
}

TEST(EventCompareTest, KeyOrderSpacingAndEscapesDoNotCount) {
    EventCompare compare;
    EXPECT_EQ(keyOf(compare, R"({"event":"e","payload":{"a":1,"b":"\u00e9"}})"),
              keyOf(compare, R"({ "payload" : { "b" : "é", "a" : 1 }, "event" : "e" })"));
    // Empty containers are values too.
    EXPECT_NE(keyOf(compare, R"({"event":"e","payload":{"list":[]}})"), keyOf(compare, R"({"event":"e","payload":{"list":{}}})"));
    EXPECT_NE(keyOf(compare, R"({"event":"e","payload":{"list":[]}})"), keyOf(compare, R"({"event":"e","payload":{}})"));
}

TEST(EventCompareTest, IgnorePathsWithWildcardsAndWholeSubtrees) {
    const std::string a = R"({"event":"e","payload":{"message":{"content":"a","id":1},"user":{"name":"x","id":2}}})";
    const std::string b = R"({"event":"e","payload":{"message":{"content":"b","id":1},"user":{"name":"y","id":3}}})";
    EXPECT_NE(keyOf(EventCompare{}, a), keyOf(EventCompare{}, b));
    EXPECT_NE(keyOf(EventCompare({"payload.*.content"}), a), keyOf(EventCompare({"payload.*.content"}), b));
    EventCompare both({"payload.*.content", "payload.user"});
    EXPECT_EQ(keyOf(both, a), keyOf(both, b));
    // Array elements are segments too.
    EventCompare inList({"payload.list.*.ts"});
    EXPECT_EQ(keyOf(inList, R"({"event":"e","payload":{"list":[{"ts":1,"v":1}]}})"),
              keyOf(inList, R"({"event":"e","payload":{"list":[{"ts":2,"v":1}]}})"));
    EXPECT_THROW(EventCompare({"payload..content"}), std::invalid_argument);
    EXPECT_THROW(EventCompare({""}), std::invalid_argument);
}

TEST(EventCompareTest, RecordedMessageIdsAreMappedToLiveOnes) {
    IdMap ids;
    ids.addRecorded(5, 10004);
    ids.addLive(5, 10017);
    EventCompare compare;
    const std::string recorded =
        R"({"event":"chat.updateMessage","payload":{"message":{"id":10004,"channel_id":5,"parent_message":{"id":"10004"}}}})";
    const std::string live =
        R"({"event":"chat.updateMessage","payload":{"message":{"id":10017,"channel_id":5,"parent_message":{"id":"10017"}}}})";
    EXPECT_EQ(keyOf(compare, recorded, &ids), keyOf(compare, live));
    EXPECT_NE(keyOf(compare, recorded), keyOf(compare, live)) << "without the map they differ";
    const std::string unread = R"({"event":"channel.updateReadStatus","payload":{"read_watermark_id":10004,"user_id":10004}})";
    EXPECT_EQ(keyOf(compare, unread, &ids),
              keyOf(compare, R"({"event":"channel.updateReadStatus","payload":{"read_watermark_id":10017,"user_id":10004}})"))
        << "a user id that happens to equal a message id is not one";
}

TEST(EventCompareTest, CompareDiffsServerFramesOnlyAndNotControlFrames) {
    EventCompare compare;
    const std::string online = R"({"event":"user.online","payload":{"user":{"id":1}}})";
    const std::string pong = R"({"event":"pong"})";
    const std::string typing = R"({"event":"chat.userTyping","payload":{"channel_id":5}})";
    Message command = event(R"({"command":"ws_ping"})");
    command.dir = Direction::ClientToServer;
    std::vector<Message> recorded = {command, event(online, 2), event("x", 3, Opcode::Ping), event(pong, 4), event(typing, 5)};
    for (size_t i = 0; i < recorded.size(); ++i) {
        recorded[i].t_us = 1'000'000 + static_cast<int64_t>(i) * 1000;
    }
    std::vector<Message> live = {event(online, 1), event(pong, 2), event("y", 3, Opcode::Ping), event("", 4, Opcode::Close)};
    EventDiff diff = compare.compare(recorded, 1'000'000, live, 0, IdMap{});
    ASSERT_EQ(diff.recorded.size(), 3u);
    ASSERT_EQ(diff.received.size(), 2u);
    EXPECT_EQ(diff.recorded[2].atUs, 4000);
    ASSERT_EQ(diff.steps.size(), 3u);
    EXPECT_EQ(diff.steps[2].op, DiffStep::Op::Missing);
    EXPECT_EQ(diff.recorded[diff.steps[2].recorded].name, "chat.userTyping");
}

TEST(EventCompareTest, FramesThatAreNotJsonCompareByTheirBytes) {
    EventCompare compare;
    EXPECT_EQ(keyOf(compare, "plain words"), keyOf(compare, "plain words"));
    EXPECT_NE(keyOf(compare, "plain words"), keyOf(compare, "other words"));
    EventView v = compare.view(event("\x01\x02", 1, Opcode::Binary), nullptr);
    EXPECT_EQ(v.name, "");
    EXPECT_NE(v.describe().find("(binary) AQI="), std::string::npos) << v.describe();
}

}  // namespace
}  // namespace rtmtap
