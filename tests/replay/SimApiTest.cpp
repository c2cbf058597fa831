// The simulator's HTTP API: the dispatcher (404, 405, CORS on every answer and preflight) and
// user.login and rtm.connect, success and each error status.
#include "SimTestUtil.h"

#include "protocol/JwtClaims.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "tests/support/HttpAnswer.h"

namespace rtmtap::test {
namespace {

using Answer = HttpAnswer;

// The headers a browser looks at, as a page of another origin would be answered.
void expectCors(const Answer& a, const std::string& methods, const std::string& allowHeaders = "") {
    EXPECT_EQ(a.head.get("Access-Control-Allow-Origin", ""), "*");
    EXPECT_EQ(a.head.get("Access-Control-Allow-Methods", ""), methods);
    EXPECT_EQ(a.head.get("Access-Control-Allow-Headers", ""), allowHeaders);
    EXPECT_EQ(a.head.get("Access-Control-Allow-Credentials", ""), "true");
}

class SimApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        sim = std::make_unique<Simulator>(simConfig());
        sim->start();
        port = Poco::URI(sim->apiUrl()).getPort();
    }
    HttpResult post(const std::string& target, const std::string& body,
                    const std::string& type = "application/x-www-form-urlencoded") {
        return TestClient::rawRequest(port, "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                      "Content-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
                                      "\r\n\r\n" + body);
    }
    HttpResult get(const std::string& target, const std::string& headers = "") {
        return TestClient::rawRequest(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                      "User-Agent: sim-test/1.0\r\n" + headers + "\r\n");
    }
    // Any request, as a browser on another origin sends it (Origin set); no body unless given.
    Answer send(const std::string& method, const std::string& target, const HeaderPairs& headers = {},
                const std::string& body = "") {
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        session.setTimeout(Poco::Timespan(10, 0));
        return sendFromPage(session, method, target, headers, body, false);
    }
    std::string loginToken(const std::string& body = "user=user2%40example.test&password=password") {
        HttpResult r = post("/api/v1/user.login", body);
        EXPECT_EQ(r.status, 200) << r.body;
        auto obj = jsonObjectOf(r.body);
        return obj && obj->has("token") ? obj->getValue<std::string>("token") : "";
    }
    std::string errorOf(const HttpResult& r) {
        auto obj = jsonObjectOf(r.body);
        EXPECT_NE(obj, nullptr) << r.body;
        if (!obj) {
            return "";
        }
        EXPECT_FALSE(obj->getObject("meta")->getValue<bool>("ok"));
        return obj->getObject("meta")->getValue<std::string>("error");
    }

    std::unique_ptr<Simulator> sim;
    uint16_t port = 0;
};

TEST_F(SimApiTest, LoginReturnsTokenAndUser) {
    HttpResult r = post("/api/v1/user.login", "user=user2%40example.test&password=password&remember_me=1");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.contentType, "application/json");
    auto obj = jsonObjectOf(r.body);
    ASSERT_NE(obj, nullptr);
    EXPECT_TRUE(obj->getObject("meta")->getValue<bool>("ok"));
    EXPECT_EQ(obj->getObject("user")->getValue<int64_t>("id"), userId(2));
    EXPECT_EQ(obj->getObject("user")->getValue<std::string>("email"), "user2@example.test");
    SimClaims claims;
    EXPECT_EQ(sim->jwt().verify(obj->getValue<std::string>("token"), sim->world().nowUnix(), &claims), JwtCheck::Ok);
    EXPECT_EQ(claims.userId, userId(2));
}

TEST_F(SimApiTest, LoginWithEmailFieldWorksToo) {
    EXPECT_FALSE(loginToken("email=user3%40example.test&password=password").empty());
}

TEST_F(SimApiTest, WrongPasswordOrUnknownUserIs401) {
    for (const std::string body : {"user=user2%40example.test&password=nope", "user=nobody%40example.test&password=password"}) {
        HttpResult r = post("/api/v1/user.login", body);
        EXPECT_EQ(r.status, 401) << body;
        EXPECT_FALSE(errorOf(r).empty());
    }
}

TEST_F(SimApiTest, MissingOrMalformedFormIs422) {
    for (const std::string body : {"", "password=password", "user=user1", R"({"user":"user1","password":"password"})",
                                   "user=%zz&password=password"}) {
        HttpResult r = post("/api/v1/user.login", body);
        EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
        EXPECT_FALSE(errorOf(r).empty()) << body;
    }
}

TEST_F(SimApiTest, RtmConnectGivesEndpointAndSignedTokenWithTheRealClaims) {
    const std::string token = loginToken();
    HttpResult r = get("/api/v1/rtm.connect", "Authorization: Bearer " + token + "\r\n");
    ASSERT_EQ(r.status, 200) << r.body;
    auto rtm = jsonObjectOf(r.body)->getObject("rtm");
    EXPECT_EQ(rtm->getValue<std::string>("ws_endpoint"), sim->wsUrl());
    const std::string wsToken = rtm->getValue<std::string>("ws_token");
    EXPECT_EQ(sim->jwt().verify(wsToken, sim->world().nowUnix()), JwtCheck::Ok);
    auto claims = decodeJwtClaims(wsToken);
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->user_id, userId(2));
    EXPECT_EQ(claims->client_ip, "127.0.0.1");
    EXPECT_EQ(claims->user_agent, "sim-test/1.0");
    EXPECT_EQ(claims->finger_print.size(), 12u);
    EXPECT_TRUE(SimJwt::parseTime(claims->expiry));
    EXPECT_FALSE(claims->topic.empty());
    EXPECT_TRUE(claims->created_on);
    EXPECT_NE(claims->json.find("\"user_name\""), std::string::npos);
}

TEST_F(SimApiTest, RtmConnectTokenOpensTheWebSocket) {
    HttpResult r = get("/api/v1/rtm.connect?token=" + loginToken());
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string wsToken = jsonObjectOf(r.body)->getObject("rtm")->getValue<std::string>("ws_token");
    SimClient client(*sim);
    client.send(R"({"command":"ws_auth","auth_token":")" + wsToken + "\"}");
    EXPECT_NE(client.waitFor("user.online"), nullptr);
}

TEST_F(SimApiTest, RtmConnectWithoutOrWithBadBearerIs401) {
    std::string token = loginToken();
    token.back() = token.back() == 'x' ? 'y' : 'x';
    for (const std::string& headers : {std::string(), "Authorization: Bearer " + token + "\r\n",
                                      std::string("Authorization: Basic dXNlcjpwYXNz\r\n"),
                                      std::string("Authorization: Bearer \r\n")}) {
        HttpResult r = get("/api/v1/rtm.connect", headers);
        EXPECT_EQ(r.status, 401) << headers;
        EXPECT_EQ(errorOf(r), "Unauthorized");
    }
}

TEST_F(SimApiTest, ExpiredBearerIs401) {
    HttpResult r = get("/api/v1/rtm.connect", "Authorization: Bearer " + tokenFor(*sim, 1, -1) + "\r\n");
    EXPECT_EQ(r.status, 401);
}

TEST_F(SimApiTest, UnknownPathIs404AndWrongMethodIs405) {
    EXPECT_EQ(get("/api/v1/file.list").status, 404);
    EXPECT_EQ(get("/api/v1/user.login").status, 405);
}

TEST_F(SimApiTest, PreflightOfEachRouteIsAnsweredAsTheRealApiDoes) {
    Answer login = send("OPTIONS", "/api/v1/user.login",
                        {{"Access-Control-Request-Method", "POST"},
                         {"Access-Control-Request-Headers", "x-airsend-client-type,x-airsend-client-version"}});
    EXPECT_EQ(login.status, 200);
    EXPECT_EQ(login.body, "");
    EXPECT_EQ(login.head.getContentLength(), 0);
    expectCors(login, "POST,OPTIONS", "x-airsend-client-type,x-airsend-client-version");

    Answer connect = send("OPTIONS", "/api/v1/rtm.connect?x=1",
                          {{"Access-Control-Request-Method", "GET"}, {"Access-Control-Request-Headers", "authorization"}});
    EXPECT_EQ(connect.status, 200);
    expectCors(connect, "GET,POST,OPTIONS", "authorization");

    // Like the real API's catch-all: a preflight of a path it does not serve passes, so the
    // page reads the 404 of the request itself.
    Answer unknown = send("OPTIONS", "/api/v1/file.list", {{"Access-Control-Request-Method", "GET"}});
    EXPECT_EQ(unknown.status, 200);
    expectCors(unknown, "GET,POST,PUT,PATCH,DELETE,OPTIONS");
}

TEST_F(SimApiTest, EveryAnswerCarriesTheCorsHeaders) {
    const HeaderPairs form = {{"Content-Type", "application/x-www-form-urlencoded"}};
    Answer login = send("POST", "/api/v1/user.login", form, "email=user1%40example.test&password=password");
    ASSERT_EQ(login.status, 200) << login.body;
    expectCors(login, "POST,OPTIONS");
    const std::string token = jsonObjectOf(login.body)->getValue<std::string>("token");
    Answer refused = send("POST", "/api/v1/user.login", form, "email=user1%40example.test&password=wrong");
    EXPECT_EQ(refused.status, 401);
    expectCors(refused, "POST,OPTIONS");

    Answer connect = send("GET", "/api/v1/rtm.connect", {{"Authorization", "Bearer " + token}});
    EXPECT_EQ(connect.status, 200) << connect.body;
    expectCors(connect, "GET,POST,OPTIONS");
    Answer unauthorized = send("GET", "/api/v1/rtm.connect");
    EXPECT_EQ(unauthorized.status, 401);
    expectCors(unauthorized, "GET,POST,OPTIONS");
    Answer wrongMethod = send("GET", "/api/v1/user.login");
    EXPECT_EQ(wrongMethod.status, 405);
    expectCors(wrongMethod, "POST,OPTIONS");
}

TEST_F(SimApiTest, UnknownRouteIs404WithAJsonErrorAndTheCorsHeaders) {
    Answer a = send("GET", "/api/v1/file.list?path=/cf/1", {{"Authorization", "Bearer x"}});
    EXPECT_EQ(a.status, 404);
    EXPECT_EQ(a.head.getContentType(), "application/json");
    auto obj = jsonObjectOf(a.body);
    ASSERT_NE(obj, nullptr) << a.body;
    EXPECT_FALSE(obj->getObject("meta")->getValue<bool>("ok"));
    EXPECT_NE(obj->getObject("meta")->getValue<std::string>("error").find("/api/v1/file.list"), std::string::npos)
        << a.body;
    expectCors(a, "GET,POST,PUT,PATCH,DELETE,OPTIONS");
}

}  // namespace
}  // namespace rtmtap::test
