#include "replay/IdMap.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

Message posted(int64_t channel, int64_t id) {
    Message m;
    m.dir = Direction::ServerToClient;
    m.payload = R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":)" + std::to_string(id) +
                R"(,"channel_id":)" + std::to_string(channel) + R"(,"content":"hi"}}})";
    return m;
}

TEST(IdMapTest, PairsRecordedAndLiveIdsInOrderPerChannel) {
    IdMap ids;
    ids.addRecorded(1, 10);
    ids.addRecorded(1, 11);
    ids.addRecorded(2, 20);
    EXPECT_FALSE(ids.live(10).has_value()) << "nothing live yet";
    ids.addLive(2, 50);  // channel 2 posts first live: its first message pairs with channel 2's first
    ids.addLive(1, 40);
    EXPECT_EQ(ids.live(10), 40);
    EXPECT_EQ(ids.live(20), 50);
    EXPECT_FALSE(ids.live(11).has_value()) << "the second message of channel 1 has not been posted live";
    ids.addLive(1, 41);
    ids.addLive(1, 42);  // one more live than recorded: nothing to pair it with
    EXPECT_EQ(ids.live(11), 41);
    EXPECT_EQ(ids.pairs(), (std::map<int64_t, int64_t>{{10, 40}, {11, 41}, {20, 50}}));
}

TEST(IdMapTest, LearnsFromRecordedFramesAndLiveFrames) {
    Message other = posted(1, 99);
    other.payload = R"({"event":"chat.updateMessage","payload":{"message":{"id":99,"channel_id":1}}})";
    Message command;
    command.dir = Direction::ClientToServer;
    command.payload = R"({"command":"ws_add_reaction","message_id":10})";
    IdMap ids({command, posted(1, 10), other, posted(1, 11)});
    ids.learn(other);  // not a post: ignored
    ids.learn(posted(1, 70));
    ids.learn(posted(1, 71));
    EXPECT_EQ(ids.live(10), 70);
    EXPECT_EQ(ids.live(11), 71);
    EXPECT_FALSE(ids.live(99).has_value());
}

TEST(IdMapTest, MapCommandSplicesOnlyTheMessageIdValue) {
    IdMap ids;
    ids.addRecorded(1, 10004);
    ids.addLive(1, 10017);
    // Spacing, key order and the other members stay byte for byte.
    EXPECT_EQ(ids.mapCommand(R"({"command":"ws_add_reaction", "message_id" : 10004 ,"emoji_value":"U 1F600"})"),
              R"({"command":"ws_add_reaction", "message_id" : 10017 ,"emoji_value":"U 1F600"})");
    // A digit string stays a string.
    EXPECT_EQ(ids.mapCommand(R"({"command":"ws_read_notification","channel_id":"1","message_id":"10004"})"),
              R"({"command":"ws_read_notification","channel_id":"1","message_id":"10017"})");
    // An escaped key is the same key.
    EXPECT_EQ(ids.mapCommand(R"({"message\u005fid":10004})"), R"({"message\u005fid":10017})");
}

TEST(IdMapTest, MapCommandLeavesEverythingElseAlone) {
    IdMap ids;
    ids.addRecorded(1, 10004);
    ids.addLive(1, 10017);
    ids.addRecorded(1, 10005);
    ids.addLive(1, 10005);
    for (const std::string& payload : {
             std::string(R"({"command":"ws_add_reaction","message_id":10003})"),    // not a recorded post
             std::string(R"({"command":"ws_add_reaction","message_id":10005})"),    // paired with itself
             std::string(R"({"command":"x","payload":{"message_id":10004}})"),       // not top-level
             std::string(R"({"command":"x","channel_id":10004})"),                   // not a message id
             std::string(R"({"command":"x","message_id":10004.0})"),                 // not an integer
             std::string(R"({"command":"x","message_id":"10004a"})"),                // not digits
             std::string(R"({"command":"x","message_id":10004)"),                    // not JSON
             std::string(R"([10004])"),                                              // not an object
         }) {
        EXPECT_EQ(ids.mapCommand(payload), payload);
    }
}

}  // namespace
}  // namespace rtmtap
