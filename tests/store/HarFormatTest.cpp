// The HAR reader on its own, without a database: each WebSocket entry becomes a session in the
// SessionSink, other entries are skipped, errors name the entry.
#include "store/HarFormat.h"
#include "store/ImportError.h"
#include "tests/support/CollectingSink.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace rtmtap {
namespace {

using test::CollectingSink;

const char* const kHar = R"({"log":{"version":"1.2","creator":{"name":"t"},"entries":[
{"startedDateTime":"2026-11-25T14:03:06.000Z","request":{"method":"GET","url":"https://app.example/"},
 "response":{"status":200},"_resourceType":"document"},
{"startedDateTime":"2026-11-25T14:03:07.000Z","request":{"method":"GET","url":"wss://rtm.example/s?v=2",
 "headers":[{"name":"Origin","value":"https://app.example"}]},
 "response":{"status":101,"headers":[{"name":"Sec-WebSocket-Protocol","value":"rtm.v1"}]},
 "_resourceType":"websocket","_webSocketMessages":[
  {"type":"send","time":1795615387.25,"opcode":1,"data":"{\"command\":\"ws_auth\"}"},
  {"type":"receive","time":1795615387.5,"opcode":2,"data":"AAEC"},
  {"type":"error","time":1795615388,"opcode":-1,"data":"reset"}]}]}})";

TEST(HarFormatTest, WebSocketEntriesBecomeSessionsInTheSink) {
    std::istringstream in(kHar);
    CollectingSink sink;
    EXPECT_EQ(HarFormat::read(in, sink, "lbl"), 1u);
    ASSERT_EQ(sink.sessions.size(), 1u);
    const ImportedSession& s = sink.sessions[0];
    EXPECT_EQ(s.info.upstream, "wss://rtm.example/s?v=2");
    EXPECT_EQ(s.info.path, "/s?v=2");
    EXPECT_EQ(s.info.subprotocol, "rtm.v1");
    EXPECT_EQ(s.info.started_wall_us, 1'795'615'387'000'000);
    EXPECT_EQ(s.info.headers, (HeaderList{{"Origin", "https://app.example"}}));
    EXPECT_EQ(s.label, "lbl");
    ASSERT_TRUE(s.end);
    EXPECT_EQ(s.end->error, "reset");
    ASSERT_EQ(sink.frames[0].size(), 2u);
    EXPECT_EQ(sink.frames[0][0].dir, Direction::ClientToServer);
    EXPECT_EQ(sink.frames[0][0].t_us, 250'000);
    EXPECT_EQ(sink.frames[0][1].op, Opcode::Binary);
    EXPECT_EQ(sink.frames[0][1].payload, std::string("\x00\x01\x02", 3));
}

TEST(HarFormatTest, ErrorsNameTheEntry) {
    std::string har = kHar;
    har.replace(har.find("\"AAEC\""), 6, "\"%%\"");
    std::istringstream in(har);
    CollectingSink sink;
    try {
        HarFormat::read(in, sink, "");
        FAIL() << "no error";
    } catch (const ImportError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("log.entries[1]._webSocketMessages[1]: opcode 2", 0), 0u) << e.what();
    }
}

}  // namespace
}  // namespace rtmtap
