// The HAR reader on its own, without a database: each WebSocket entry becomes a session in the
// SessionSink (the in-memory RecordingCollector); other entries are skipped, or attached to the
// sessions that started after them as their API calls; errors name the entry.
#include "store/HarFormat.h"
#include "store/ImportError.h"
#include "store/RecordingCollector.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace rtmtap {
namespace {

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
    RecordingCollector sink(1);
    EXPECT_EQ(HarFormat::read(in, sink, "lbl"), 1u);
    EXPECT_EQ(sink.sessions(), 1);
    std::optional<Recording> s = sink.take();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->info.upstream, "wss://rtm.example/s?v=2");
    EXPECT_EQ(s->info.path, "/s?v=2");
    EXPECT_EQ(s->info.subprotocol, "rtm.v1");
    EXPECT_EQ(s->info.started_wall_us, 1'795'615'387'000'000);
    EXPECT_EQ(s->info.headers, (HeaderList{{"Origin", "https://app.example"}}));
    EXPECT_EQ(s->label, "lbl");
    ASSERT_TRUE(s->end);
    EXPECT_EQ(s->end->error, "reset");
    ASSERT_EQ(s->frames.size(), 2u);
    EXPECT_EQ(s->frames[0].dir, Direction::ClientToServer);
    EXPECT_EQ(s->frames[0].t_us, 250'000);
    EXPECT_EQ(s->frames[1].op, Opcode::Binary);
    EXPECT_EQ(s->frames[1].payload, std::string("\x00\x01\x02", 3));
    EXPECT_TRUE(s->apiCalls.empty());  // HarApiCalls::Skip, as import reads
}

TEST(HarFormatTest, AttachedEntriesBecomeTheSessionsApiCalls) {
    std::istringstream in(kHar);
    RecordingCollector sink(1);
    HarFormat::read(in, sink, "", HarApiCalls::Attach);
    std::optional<Recording> s = sink.take();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->apiCalls.size(), 1u);
    EXPECT_EQ(s->apiCalls[0].method, "GET");
    EXPECT_EQ(s->apiCalls[0].path, "/");
    EXPECT_EQ(s->apiCalls[0].status, 200);
    EXPECT_EQ(s->apiCalls[0].started_wall_us, 1'795'615'386'000'000);
}

TEST(HarFormatTest, ABadApiEntryIsAnErrorOnlyWhenAttached) {
    std::string har = kHar;
    har.replace(har.find("\"status\":200}"), 13, R"("status":200,"content":{"text":"%%","encoding":"base64"}})");
    std::istringstream skipped(har);
    RecordingCollector sink(1);
    EXPECT_EQ(HarFormat::read(skipped, sink, ""), 1u);
    std::istringstream attached(har);
    try {
        HarFormat::read(attached, sink, "", HarApiCalls::Attach);
        FAIL() << "no error";
    } catch (const ImportError& e) {
        EXPECT_EQ(std::string(e.what()), "log.entries[0]: response.content.text is not valid base64 (RFC 4648, padded)");
    }
}

TEST(HarFormatTest, ErrorsNameTheEntry) {
    std::string har = kHar;
    har.replace(har.find("\"AAEC\""), 6, "\"%%\"");
    std::istringstream in(har);
    RecordingCollector sink(1);
    try {
        HarFormat::read(in, sink, "");
        FAIL() << "no error";
    } catch (const ImportError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("log.entries[1]._webSocketMessages[1]: opcode 2", 0), 0u) << e.what();
    }
}

// kHar with the WebSocket entry's startedDateTime replaced.
std::string harStartedAt(const std::string& started) {
    std::string har = kHar;
    const std::string chrome = "2026-11-25T14:03:07.000Z";
    har.replace(har.find(chrome), chrome.size(), started);
    return har;
}

int64_t startedUs(const std::string& started) {
    std::istringstream in(harStartedAt(started));
    RecordingCollector sink(1);
    HarFormat::read(in, sink, "");
    std::optional<Recording> s = sink.take();
    return s ? s->info.started_wall_us : -1;
}

// startedDateTime as browsers and proxies write it (HAR 1.2: ISO 8601 with a zone).
TEST(HarFormatTest, StartedDateTimeInTheFormsToolsWrite) {
    constexpr int64_t k140307 = 1'795'615'387'000'000;  // 2026-11-25T14:03:07Z
    EXPECT_EQ(startedUs("2026-11-25T14:03:07.123Z"), k140307 + 123'000);              // Chrome, Safari
    EXPECT_EQ(startedUs("2026-11-25T14:03:07.123+01:00"), k140307 - 3'600'000'000 + 123'000);  // Firefox
    EXPECT_EQ(startedUs("2026-11-25T09:03:07.123-05:00"), k140307 + 123'000);         // Firefox, west
    EXPECT_EQ(startedUs("2026-11-25T14:03:07.123456+00:00"), k140307 + 123'456);      // mitmproxy
    EXPECT_EQ(startedUs("2026-11-25T14:03:07+00:00"), k140307);                       // mitmproxy, .0 s
    EXPECT_EQ(startedUs("2026-11-25T15:03:07.1234567+01:00"), k140307 + 123'456);     // Fiddler: 7 digits
    EXPECT_EQ(startedUs("2026-11-25T14:03:07Z"), k140307);
}

TEST(HarFormatTest, AStartedDateTimeThatIsNotIso8601SaysWhy) {
    const std::pair<std::string, std::string> cases[] = {
        {"2026-11-25T14:03:60.000Z", "second 60 is out of range (00-59)"},
        {"2026-11-25T14:03:07.000 CET", "expected an ISO 8601 time such as 2026-11-25T10:00:00Z"},
        {"Wed, 25 Nov 2026 14:03:07 GMT", "expected an ISO 8601 time such as 2026-11-25T10:00:00Z"},
    };
    for (const auto& [started, reason] : cases) {
        std::istringstream in(harStartedAt(started));
        RecordingCollector sink(1);
        try {
            HarFormat::read(in, sink, "");
            ADD_FAILURE() << "no error: " << started;
        } catch (const ImportError& e) {
            EXPECT_EQ(std::string(e.what()), "log.entries[1]: startedDateTime is not an ISO-8601 time: \"" + started +
                                                 "\" (" + reason + ")");
        }
    }
}

}  // namespace
}  // namespace rtmtap
