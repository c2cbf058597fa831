#include "KeepaliveSessions.h"

#include "TestData.h"
#include "protocol/ApiExchange.h"
#include "store/Recorder.h"

namespace rtmtap::test {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr Direction C2S = Direction::ClientToServer;
constexpr Direction S2C = Direction::ServerToClient;

ApiExchange call(int64_t startedUs, const std::string& method, const std::string& path, const std::string& bearer,
                 const std::string& responseBody) {
    ApiExchange x = recordedApiCall(startedUs, method, path, responseBody);
    if (!bearer.empty()) {
        x.request_headers = {{"Authorization", "Bearer " + bearer}};
    }
    return x;
}

// The web client's system.ping: a form body with the token percent-encoded as a browser does.
ApiExchange systemPing(int64_t startedUs, const std::string& bearer, const std::string& formToken) {
    ApiExchange x = call(startedUs, "POST", "/api/v1/system.ping", bearer, R"({"meta":{"ok":true}})");
    x.request_headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    x.request_body = "finger_print=abcdefghijkl&ping_token=" + formToken + "&last_latency=12";
    return x;
}

class Script {
public:
    Script(Recorder& recorder, int64_t id, int64_t startUs) : recorder_(recorder), id_(id), start_(startUs) {
        SessionInfo info;
        info.id = id;
        info.started_wall_us = startUs;
        info.client = "127.0.0.1:50000";
        info.upstream = "ws://h:1/ws";
        info.path = "/ws";
        recorder_.onSessionStart(info);
    }
    void frame(Direction dir, int64_t t_us, std::string payload) {
        Message m;
        m.session = id_;
        m.seq = ++seq_;
        m.dir = dir;
        m.t_us = t_us;
        m.fwd_us = t_us;
        m.wall_us = start_ + t_us;
        m.size = payload.size();
        m.payload = std::move(payload);
        recorder_.onMessage(m);
    }
    void end(int64_t t_us, int code, const std::string& by) {
        SessionEnd end;
        end.id = id_;
        end.ended_wall_us = start_ + t_us;
        end.duration_us = t_us;
        end.close_code = code;
        end.closed_by = by;
        recorder_.onSessionEnd(end);
    }

private:
    Recorder& recorder_;
    int64_t id_;
    int64_t start_;
    int64_t seq_ = 0;
};

std::string auth(const std::string& token) {
    return R"({"command":"ws_auth","auth_token":")" + token + R"("})";
}

std::string systemPingEvent(const std::string& token) {
    return R"({"meta":{"api":"v1","emitted_on":1.5},"event":"system.ping","payload":{"ping_token":")" + token +
           R"("}})";
}

const std::string kWsPingCommand = R"({"command":"ws_ping"})";
const std::string kPongEvent = R"({"event":"pong"})";

std::string connectAnswer(const std::string& wsToken) {
    return R"({"meta":{"ok":true},"rtm":{"ws_endpoint":"ws://h:1/ws","ws_token":")" + wsToken + R"("}})";
}

}  // namespace

void recordKeepaliveSessions(const std::string& db, int64_t base) {
    const std::string loginL = makeJwt(R"({"user_id":7,"kind":"login"})");
    const std::string loginM = makeJwt(R"({"user_id":8,"kind":"login"})");
    const std::string ws1 = makeJwt(R"({"user_id":7,"finger_print":"one"})");
    const std::string ws2 = makeJwt(R"({"user_id":7,"finger_print":"two"})");
    const std::string ws3 = makeJwt(R"({"user_id":8,"finger_print":"three"})");
    RecorderOptions options;
    options.dbPath = db;
    Recorder recorder(options);
    recorder.onApiExchange(call(base - 3000, "POST", "/api/v1/user.login", "", R"({"token":")" + loginL + R"("})"));
    recorder.onApiExchange(call(base - 2900, "POST", "/api/v1/user.login", "", R"({"token":")" + loginM + R"("})"));
    recorder.onApiExchange(call(base - 2000, "GET", "/api/v1/rtm.connect", loginL, connectAnswer(ws1)));

    Script one(recorder, 1, base);
    one.frame(C2S, 1000, auth(ws1));
    one.frame(C2S, 10 * kSecond, kWsPingCommand);
    one.frame(S2C, 10 * kSecond + 2000, kPongEvent);
    one.frame(C2S, 20 * kSecond, kWsPingCommand);
    one.frame(C2S, 30 * kSecond, kWsPingCommand);
    one.frame(S2C, 30 * kSecond + 4000, kPongEvent);
    // The browser's preflight of the call: no call of its own (no bearer, no body).
    recorder.onApiExchange(call(base + 40 * kSecond - 500, "OPTIONS", "/api/v1/system.ping", "", ""));
    recorder.onApiExchange(systemPing(base + 40 * kSecond, loginL, "tok-a"));
    one.frame(S2C, 40 * kSecond + 3000, systemPingEvent("tok-a"));
    recorder.onApiExchange(systemPing(base + 100 * kSecond, loginL, "tok+b"));
    one.frame(C2S, 105 * kSecond, kWsPingCommand);
    one.end(110 * kSecond, 3000, "client");

    recorder.onApiExchange(systemPing(base + 111 * kSecond, loginL, "tok-gap"));
    recorder.onApiExchange(call(base + 111'500'000, "GET", "/api/v1/rtm.connect", loginL, connectAnswer(ws2)));
    recorder.onApiExchange(call(base + 114 * kSecond, "GET", "/api/v1/rtm.connect", loginM, connectAnswer(ws3)));

    Script two(recorder, 2, base + 112 * kSecond);
    two.frame(C2S, 1000, auth(ws2));
    Script three(recorder, 3, base + 115 * kSecond);
    three.frame(C2S, 1000, auth(ws3));
    recorder.onApiExchange(systemPing(base + 121 * kSecond, loginL, "tok-c"));
    recorder.onApiExchange(systemPing(base + 121 * kSecond, loginM, "tok-c"));
    two.frame(S2C, 9 * kSecond + 1500, systemPingEvent("tok-c"));
    two.frame(S2C, 9'500'000, systemPingEvent("nobody-sent-this"));
    two.frame(C2S, 10 * kSecond, kWsPingCommand);
    two.frame(S2C, 10 * kSecond + 1000, kPongEvent);
    three.end(15 * kSecond, 1006, "server");
}

}  // namespace rtmtap::test
