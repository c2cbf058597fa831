// ApiReplay (`rtmtap replay --api-listen`) as a browser meets it: preflights with no body, the
// recorded answers (a recorded 404 included) with the real API's CORS headers, rtm.connect
// pointing at the replay, and keep-alive connections that carry a login's body.
#include "replay/ApiReplay.h"
#include "tests/support/TestClient.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <mutex>

#include "tests/support/HttpAnswer.h"

namespace rtmtap::test {
namespace {

const char* const kWsUrl = "ws://127.0.0.1:9/";

RecordedApiCall recorded(const std::string& method, const std::string& path, int status, const std::string& body) {
    RecordedApiCall call;
    call.method = method;
    call.path = path;
    call.status = status;
    call.response_body = body;
    call.response_headers = {{"Date", "Mon, 30 Nov 2026 00:28:08 GMT"},
                             {"Access-Control-Allow-Methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS"},
                             {"Content-Type", "application/json"}};
    return call;
}

using Answer = HttpAnswer;

class ApiReplayTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::vector<RecordedApiCall> calls = {
            recorded("POST", "/api/v1/user.login", 200, R"({"meta":{"ok":true},"token":"t","user":{"id":7}})"),
            recorded("GET", "/api/v1/channel.list?exclude_closed=false", 404,
                     R"({"meta":{"ok":false,"error":"Unknown API method /api/v1/channel.list"}})"),
            recorded("GET", "/api/v1/rtm.connect", 200,
                     "{\n    \"rtm\": {\n        \"ws_endpoint\": \"ws://10.0.0.1:8080/_rtmtap/1/\",\n"
                     "        \"ws_token\": \"w\"\n    }\n}"),
        };
        api = std::make_unique<ApiReplay>("127.0.0.1", 0, std::move(calls), kWsUrl, [this](const std::string& line) {
            std::lock_guard lock(mutex);
            shown += line + "\n";
        });
        api->start();
        session.setPort(api->port());
        session.setKeepAlive(true);
        session.setTimeout(Poco::Timespan(10, 0));
    }

    // One request after another on the same keep-alive connection, as a browser sends them from
    // another origin; a body only when given.
    Answer send(const std::string& method, const std::string& target, const HeaderPairs& headers = {},
                const std::string& body = "") {
        return sendFromPage(session, method, target, headers, body, true);
    }

    std::string log() {
        std::lock_guard lock(mutex);
        return shown;
    }

    std::unique_ptr<ApiReplay> api;
    Poco::Net::HTTPClientSession session{"127.0.0.1"};
    std::mutex mutex;
    std::string shown;
};

TEST_F(ApiReplayTest, APreflightWithoutContentLengthIsAnsweredWithoutWaitingForABody) {
    // As Chromium sends it: OPTIONS with neither Content-Length nor Transfer-Encoding, connection
    // kept open. RFC 9112 6.3: no body. The answer must come now, not when the connection closes.
    HttpResult r = TestClient::rawRequest(api->port(),
                                          "OPTIONS /api/v1/user.login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                          "Connection: keep-alive\r\nOrigin: http://127.0.0.1:1\r\n"
                                          "Access-Control-Request-Method: POST\r\n"
                                          "Access-Control-Request-Headers: x-airsend-client-type\r\n\r\n",
                                          10000);
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(r.body, "");
}

TEST_F(ApiReplayTest, TheRecordedAnswersComeWithTheCorsHeadersOnOneKeptAliveConnection) {
    Answer preflight = send("OPTIONS", "/api/v1/user.login",
                            {{"Access-Control-Request-Method", "POST"},
                             {"Access-Control-Request-Headers", "x-airsend-client-type"}});
    EXPECT_EQ(preflight.status, 200);
    EXPECT_EQ(preflight.head.get("Access-Control-Allow-Origin", ""), "*");
    EXPECT_EQ(preflight.head.get("Access-Control-Allow-Methods", ""), "POST,OPTIONS");
    EXPECT_EQ(preflight.head.get("Access-Control-Allow-Headers", ""), "x-airsend-client-type");

    // The login's body is read (any password), so the next request on the connection is whole.
    Answer login = send("POST", "/api/v1/user.login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                        "email=a%40b.test&password=anything");
    EXPECT_EQ(login.status, 200);
    EXPECT_EQ(login.body, R"({"meta":{"ok":true},"token":"t","user":{"id":7}})");
    EXPECT_EQ(login.head.get("Access-Control-Allow-Origin", ""), "*");
    EXPECT_EQ(login.head.get("Access-Control-Allow-Methods", ""), "POST,OPTIONS") << "the replay's, not the recorded";
    EXPECT_EQ(login.head.get("Access-Control-Allow-Credentials", ""), "true");
    EXPECT_EQ(login.head.getContentType(), "application/json");
    EXPECT_NE(login.head.get("Date", ""), "Mon, 30 Nov 2026 00:28:08 GMT") << "the replay's own Date";

    // What the recording answered, a 404 included, readable by the page.
    Answer channels = send("GET", "/api/v1/channel.list?exclude_closed=false", {{"Authorization", "Bearer t"}});
    EXPECT_EQ(channels.status, 404);
    EXPECT_EQ(channels.body, R"({"meta":{"ok":false,"error":"Unknown API method /api/v1/channel.list"}})");
    EXPECT_EQ(channels.head.get("Access-Control-Allow-Origin", ""), "*");

    Answer connect = send("GET", "/api/v1/rtm.connect", {{"Authorization", "Bearer t"}});
    EXPECT_EQ(connect.status, 200);
    EXPECT_EQ(connect.body, "{\n    \"rtm\": {\n        \"ws_endpoint\": \"" + std::string(kWsUrl) +
                                "\",\n        \"ws_token\": \"w\"\n    }\n}");
    EXPECT_EQ(connect.head.get("Access-Control-Allow-Origin", ""), "*");

    const std::string shown = log();
    EXPECT_NE(shown.find("API POST /api/v1/user.login: 200 from the recording"), std::string::npos) << shown;
    EXPECT_NE(shown.find("API GET /api/v1/channel.list?exclude_closed=false: 404 from the recording"),
              std::string::npos)
        << shown;
}

TEST_F(ApiReplayTest, APathTheRecordingDoesNotHoldPassesThePreflightAndIsA404ThePageCanRead) {
    // As the real API's catch-all: any method passes the preflight, so a DELETE the recording
    // does not hold reaches the replay and the page reads why it failed.
    Answer preflight = send("OPTIONS", "/api/v1/message.delete",
                            {{"Access-Control-Request-Method", "DELETE"}});
    EXPECT_EQ(preflight.status, 200);
    EXPECT_EQ(preflight.head.get("Access-Control-Allow-Methods", ""), "GET,POST,PUT,PATCH,DELETE,OPTIONS");

    Answer missing = send("DELETE", "/api/v1/message.delete");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.head.get("Access-Control-Allow-Origin", ""), "*");
    EXPECT_EQ(missing.body, R"({"meta":{"ok":false,"error":"rtmtap replay: the recording holds no answer to )"
                            R"(DELETE /api/v1/message.delete"}})");
    EXPECT_NE(log().find("API DELETE /api/v1/message.delete: not in the recording (404)"), std::string::npos) << log();
}

}  // namespace
}  // namespace rtmtap::test
