#include "HostileSessions.h"

#include "Files.h"
#include "Process.h"
#include "TestData.h"
#include "protocol/Base64.h"
#include "protocol/JsonText.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

namespace rtmtap::test {

const char* const kHostileImg = "<img src=x onerror=\"window.__pwned=1\">";
const char* const kHostileScript = "</script><script>window.__pwned=1</script>";
const char* const kHostileSvg = "\"><svg onload=\"window.__pwned=1\">";
const char* const kHostileUrl = "javascript:window.__pwned=1";
const char* const kHostileRtl = "\u202e" "exe.gnp\u202c";
const std::string kHostileControl = std::string("bell\x07" "esc\x1b[31mnul") + '\0' + "del\x7f" "csi\u009b" "31m";

namespace {

constexpr int64_t kStartUs = 1'764'000'000'000'000;  // 2025-11-24T16:00:00Z, session 1
constexpr int64_t kExtremeStartUs = 1'764'010'800'000'000;  // 2025-11-24T19:00:00Z, session 4

std::string str(const std::string& text) {
    return jsonString(text);
}

std::string everything() {
    return std::string(kHostileImg) + " " + kHostileScript + " " + kHostileSvg + " " + kHostileUrl + " " + kHostileRtl +
           " " + kHostileControl;
}

std::string headers() {
    return "{\"User-Agent\":" + str(kHostileImg) + ",\"__proto__\":" + str(kHostileSvg) + ",\"constructor\":" +
           str(kHostileScript) + ",\"X-" + kHostileRtl + "\":" + str(kHostileControl) + ",\"Origin\":" + str(kHostileUrl) + "}";
}

std::string nested(const std::string& open, const std::string& inner, const std::string& close, int levels) {
    std::string text;
    text.reserve((open.size() + close.size()) * static_cast<size_t>(levels) + inner.size());
    for (int i = 0; i < levels; ++i) {
        text += open;
    }
    text += inner;
    for (int i = 0; i < levels; ++i) {
        text += close;
    }
    return text;
}

std::string base64Data(const std::string& bytes) {
    return "{\"base64\":\"" + encodeBase64(bytes) + "\"}";
}

class Jsonl {
public:
    Jsonl& line(const std::string& text) {
        out_ << text << '\n';
        return *this;
    }
    // data: the frame line's "data" as JSON text (a payload of JSON is the JSON itself).
    Jsonl& frame(int64_t tUs, const char* dir, const char* op, const std::string& data) {
        return line("{\"t_us\":" + std::to_string(tUs) + ",\"dir\":\"" + dir + "\",\"op\":\"" + op + "\",\"data\":" + data + "}");
    }
    std::string str() const { return out_.str(); }

private:
    std::ostringstream out_;
};

void hostileSession(Jsonl& file) {
    file.line("{\"rtmtap\":\"session\",\"version\":2,\"id\":1,\"started_at\":\"2025-11-24T16:00:00Z\","
              "\"ended_at\":\"2025-11-24T16:10:00Z\",\"client\":" + str(kHostileSvg) + ",\"upstream\":" + str(kHostileUrl) +
              ",\"path\":" + str(kHostileScript) + ",\"subprotocol\":" + str(kHostileImg) + ",\"headers\":" + headers() +
              ",\"http_status\":101,\"close_code\":4000,\"close_reason\":" + str(std::string(kHostileImg) + kHostileRtl) +
              ",\"closed_by\":" + str(kHostileSvg) + ",\"error\":" + str(kHostileScript + kHostileControl) +
              ",\"label\":" + str(hostileLabel()) + "}");
    file.line("{\"rtmtap\":\"api_call\",\"started_at\":\"2025-11-24T15:59:59Z\",\"method\":" + str(kHostileImg) +
              ",\"path\":" + str(std::string(kHostileUrl) + kHostileSvg) + ",\"status\":200,\"request_headers\":" + headers() +
              ",\"response_headers\":{\"__proto__\":" + str(kHostileImg) + ",\"Content-Type\":" + str(kHostileScript) +
              "},\"request_body\":{\"__proto__\":{\"polluted\":1},\"constructor\":{\"prototype\":{\"polluted\":1}},\"x\":" +
              str(kHostileImg) + ",\"big\":" + kHostileUserId + "},\"response_body\":" + str(everything()) + "}");
    // Import reads an API call's line with POCO (at most 128 levels); a body that is a string of
    // deeper JSON is stored as that text, and export writes it back as JSON up to 512 levels.
    file.line("{\"rtmtap\":\"api_call\",\"started_at\":\"2025-11-24T15:59:59.5Z\",\"method\":\"POST\",\"path\":\"/api/v1/deep\","
              "\"status\":-1,\"request_body\":" + nested("[", "", "]", 100) + ",\"response_body\":" +
              str(nested("[", "", "]", 500)) + ",\"response_headers\":{\"x\":" + str(nested("{\"a\":", "1", "}", 5000)) + "}}");
    file.line("{\"rtmtap\":\"api_call\",\"started_at\":\"2025-11-24T15:59:59.6Z\",\"method\":\"GET\",\"path\":\"/bin\","
              "\"status\":99999,\"response_body\":" + base64Data(std::string("\xff\xfe<script>\0\x80", 12)) +
              ",\"request_body\":" + str(kHostileControl) + "}");

    const std::string claims = std::string("{\"user_id\":") + kHostileUserId + ",\"user_name\":" + str(hostileUserName()) +
                               ",\"email\":" + str(kHostileSvg) + "}";
    const std::string mib(1 << 20, 'A');
    std::string wide = "[0";
    for (int i = 1; i < 500'000; ++i) {
        wide += ",0";
    }
    std::string bytes;
    for (int b = 0; b < 256; ++b) {
        bytes += static_cast<char>(b);
    }
    file.frame(0, "c2s", "text", "{\"command\":\"ws_auth\",\"auth_token\":" + str(makeJwt(claims)) + "}")
        .frame(1000, "s2c", "text", "{\"event\":" + str(kHostileImg) + ",\"payload\":{\"channel_id\":" + kHostileUserId +
                                        ",\"message\":{\"id\":5,\"text\":" + str(everything()) + "}}}")
        .frame(2000, "c2s", "text", "{\"command\":" + str(kHostileSvg) + ",\"payload\":{\"x\":" + str(kHostileScript) + "}}")
        .frame(3000, "s2c", "text", R"({"event":"__proto__","payload":{"__proto__":{"polluted":1}}})")
        .frame(4000, "s2c", "text",
               R"({"event":"constructor","payload":{"constructor":{"prototype":{"polluted":1}},"hasOwnProperty":1}})")
        .frame(5000, "s2c", "text", "{\"event\":" + str("chat" + std::string(kHostileRtl) + kHostileControl) + ",\"payload\":{}}")
        .frame(6000, "s2c", "text", str(everything()))
        .frame(7000, "s2c", "text", base64Data("\xff\xfe\xfd invalid <script> utf-8 \xc3\x28"))
        .frame(8000, "s2c", "binary", base64Data(bytes + kHostileScript))
        .frame(9000, "s2c", "text", "{\"event\":\"chat.postMessage\",\"payload\":{\"message\":{\"text\":" +
                                        str(std::string("onerror ") + kHostileImg + mib) + "}}}")
        .frame(10000, "s2c", "text", str(std::string(1 << 20, 'B')))
        .frame(11000, "s2c", "text", nested("[", "", "]", 100'000))
        .frame(12000, "s2c", "text", nested("{\"a\":", "1", "}", 5000))
        .frame(13000, "s2c", "text", "{\"event\":\"chat.postMessage\",\"payload\":{\"channel_id\":123456789012345678901234567890,"
                                     "\"message\":{\"id\":" + std::string(kHostileUserId) + ",\"big\":1e400,\"neg\":-0}}}")
        .frame(14000, "s2c", "text", R"({"event":"chat.userTyping","payload":{"big":1e400,"tiny":1E-400,"huge":-2.5e+999}})")
        .frame(15000, "s2c", "text", wide + "]")
        .frame(-5'000'000, "s2c", "text", R"({"event":"late"})")  // backwards, before the session began
        .frame(500, "s2c", "text", R"({"event":"later"})")
        .frame(16000, "s2c", "ping", str("p" + kHostileControl))
        .frame(16500, "c2s", "pong", base64Data("\xff"))
        .frame(20000, "c2s", "close", "{\"code\":4000,\"reason\":" + str(kHostileImg) + "}")
        .frame(20001, "s2c", "close", base64Data(std::string("\x0f\xa0\xff\xfe") + kHostileImg))
        .frame(20002, "s2c", "text", "{\"event\":" + str(std::string("long ") + kHostileImg + std::string(1 << 20, 'n')) + "}");
}

}  // namespace

std::string hostileUserName() {
    return std::string(kHostileImg) + kHostileRtl + kHostileControl;
}

std::string hostileLabel() {
    return std::string(kHostileImg) + kHostileRtl + kHostileControl;
}

std::string hostileJsonl() {
    Jsonl file;
    hostileSession(file);
    file.line("{\"rtmtap\":\"session\",\"started_at\":\"2025-11-24T17:00:00Z\",\"label\":" + str(std::string("empty ") + kHostileSvg) + "}");
    file.line("{\"rtmtap\":\"session\",\"started_at\":\"2025-11-24T18:00:00Z\",\"ended_at\":\"2025-11-24T17:00:00Z\","
              "\"duration_us\":-3600000000,\"label\":" + str(std::string("other ") + kHostileScript) + "}")
        .frame(0, "s2c", "text", str(std::string("just text ") + kHostileImg))
        .frame(10, "c2s", "text", base64Data("\xc0\xaf"))
        .frame(20, "s2c", "binary", base64Data(""))
        .frame(30, "s2c", "text", "[1,2,3]");
    file.line("{\"rtmtap\":\"session\",\"started_at\":\"2025-11-24T19:00:00Z\",\"label\":\"extreme times\"}")
        .frame(std::numeric_limits<int64_t>::max() - kExtremeStartUs - 1, "s2c", "text", R"({"event":"max"})")
        .frame(-std::numeric_limits<int64_t>::max(), "s2c", "text", R"({"event":"min"})")
        .frame(0, "s2c", "text", R"({"event":"zero"})");
    return file.str();
}

std::vector<int64_t> importHostileSessions(const std::string& db, const std::string& dir) {
    const std::string file = dir + "/hostile.jsonl";
    spit(file, hostileJsonl());
    const RunResult imported = Process::capture({"import", file, "--db", db}, 60000);
    EXPECT_EQ(imported.code(), 0) << imported.err;
    std::vector<int64_t> ids;
    std::istringstream lines(imported.out);
    for (std::string line; std::getline(lines, line);) {
        ids.push_back(std::stoll(line));
    }
    EXPECT_EQ(ids.size(), 4u) << imported.out;
    const RunResult lint = Process::capture({"lint", "--store", "--db", db}, 60000);
    EXPECT_TRUE(lint.code() == 0 || lint.code() == 1) << lint.err;
    // In a sanitizer build a stop exits 1 too: only its report tells it from "findings".
    EXPECT_EQ(lint.err.find("runtime error"), std::string::npos) << lint.err;
    EXPECT_EQ(lint.err.find("Sanitizer"), std::string::npos) << lint.err;
    return ids.size() == 4 && !::testing::Test::HasFailure() ? ids : std::vector<int64_t>{};
}

}  // namespace rtmtap::test
