#include "LoginSession.h"

#include "TestData.h"
#include "protocol/ApiExchange.h"
#include "store/Recorder.h"

namespace rtmtap::test {
namespace {

ApiExchange exchange(int64_t startedUs, const std::string& method, const std::string& path,
                     const std::string& responseBody) {
    ApiExchange x = recordedApiCall(startedUs, method, path, responseBody);
    x.response_headers.emplace_back("X-Request-Id", "r1");
    return x;
}

Message frame(int64_t session, int64_t seq, int64_t startUs, Direction dir, std::string payload) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = dir;
    m.t_us = seq * 1000;
    m.wall_us = startUs + seq * 1000;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

}  // namespace

void recordLoggedInSession(const std::string& db, int64_t startUs) {
    const std::string login = makeJwt(R"({"user_id":7,"kind":"login"})");
    const std::string other = makeJwt(R"({"user_id":8,"kind":"login"})");
    const std::string wsToken = makeJwt(R"({"user_id":7,"kind":"ws"})");
    RecorderOptions options;
    options.dbPath = db;
    Recorder recorder(options);
    ApiExchange userLogin =
        exchange(startUs - 3000, "POST", "/api/v1/user.login", R"({"ok":true,"token":")" + login + R"("})");
    userLogin.request_headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
    userLogin.request_body = "email=a%40b.test";
    recorder.onApiExchange(userLogin);
    recorder.onApiExchange(
        exchange(startUs - 2500, "POST", "/api/v1/user.login", R"({"ok":true,"token":")" + other + R"("})"));
    ApiExchange connect = exchange(startUs - 2000, "GET", "/api/v1/rtm.connect",
                                   R"({"ok":true,"rtm":{"ws_endpoint":"ws://h:1/ws","ws_token":")" + wsToken + R"("}})");
    connect.request_headers = {{"Authorization", "Bearer " + login}};
    connect.ws_endpoint = "ws://h:1/ws";
    recorder.onApiExchange(connect);
    ApiExchange later = exchange(startUs + 5000, "GET", "/api/v1/channel.list", R"({"ok":true})");
    later.request_headers = {{"Authorization", "Bearer " + login}};
    recorder.onApiExchange(later);
    SessionInfo info;
    info.id = recorder.nextSessionId();
    info.started_wall_us = startUs;
    info.client = "127.0.0.1:50000";
    info.upstream = "ws://h:1/ws";
    info.path = "/ws";
    info.headers = {{"Host", "h"}, {"Origin", "http://app"}};
    recorder.onSessionStart(info);
    recorder.onMessage(frame(info.id, 1, startUs, Direction::ClientToServer,
                             R"({"command":"ws_auth","auth_token":")" + wsToken + R"("})"));
    recorder.onMessage(frame(info.id, 2, startUs, Direction::ServerToClient, R"({"event":"pong"})"));
    SessionEnd end;
    end.id = info.id;
    end.ended_wall_us = startUs + 9000;
    end.duration_us = 9000;
    end.close_code = 1000;
    end.close_reason = "bye";
    end.closed_by = "client";
    recorder.onSessionEnd(end);
}

}  // namespace rtmtap::test
