#include "WebClient.h"

#include "HttpAnswer.h"
#include "TestData.h"

#include "protocol/JwtClaims.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

#include <algorithm>
#include <set>

namespace rtmtap::test {
namespace {

// What AirSend's web client sends on every call.
const HeaderPairs kClientHeaders = {{"X-Airsend-Client-Version", "rtmtap-test"}, {"X-Airsend-Client-Type", "Web UI"}};

std::string formBody(const WebClient::Form& form) {
    std::string out;
    for (const auto& [name, value] : form) {
        std::string encoded;
        Poco::URI::encode(value, "&=+%#?/ ", encoded);
        out += (out.empty() ? "" : "&") + name + "=" + encoded;
    }
    return out;
}

bool listsName(const std::string& list, const std::string& name) {
    for (const auto& item : Poco::StringTokenizer(list, ",", Poco::StringTokenizer::TOK_TRIM)) {
        if (Poco::icompare(item, name) == 0) {
            return true;
        }
    }
    return false;
}

// The answer's CORS headers as a browser reads them for a page of another origin.
std::string corsProblem(const Poco::Net::HTTPResponse& head) {
    const std::string origin = head.get("Access-Control-Allow-Origin", "");
    if (origin != "*" && origin != "http://127.0.0.1:1") {
        return "Access-Control-Allow-Origin is '" + origin + "'";
    }
    return "";
}

int64_t idOf(const Poco::JSON::Object::Ptr& obj, const std::string& key = "id") {
    if (!obj || !obj->has(key)) {
        return 0;
    }
    try {
        return obj->get(key).convert<int64_t>();
    } catch (const std::exception&) {
        return 0;
    }
}

}  // namespace

WebClient::WebClient(uint16_t apiPort) : port_(apiPort) {}

WebClient::~WebClient() = default;

// A browser's preflight for a request with the client's headers (and a form's Content-Type,
// which is safelisted but named anyway by the real client's axios): "" when it passes.
std::string WebClient::preflight(const std::string& method, const std::string& target, bool hasBody) {
    std::string requested = "x-airsend-client-type,x-airsend-client-version";
    requested += token_.empty() ? "" : ",authorization";
    requested += hasBody ? ",content-type" : "";
    Poco::Net::HTTPClientSession session("127.0.0.1", port_);
    session.setTimeout(Poco::Timespan(10, 0));
    HttpAnswer a = sendFromPage(session, "OPTIONS", target,
                                {{"Access-Control-Request-Method", method}, {"Access-Control-Request-Headers", requested}},
                                "", false);
    calls_.push_back({"OPTIONS", target.substr(target.find("/api/v1/") == 0 ? 8 : 0), a.status, nullptr, a.body, ""});
    if (a.status < 200 || a.status > 299) {
        return "preflight answered " + std::to_string(a.status);
    }
    std::string problem = corsProblem(a.head);
    if (!problem.empty()) {
        return "preflight: " + problem;
    }
    if (!listsName(a.head.get("Access-Control-Allow-Methods", ""), method)) {
        return "preflight: " + method + " not in Access-Control-Allow-Methods '" +
               a.head.get("Access-Control-Allow-Methods", "") + "'";
    }
    for (const auto& name : Poco::StringTokenizer(requested, ",")) {
        if (!listsName(a.head.get("Access-Control-Allow-Headers", ""), name)) {
            return "preflight: " + name + " not in Access-Control-Allow-Headers";
        }
    }
    return "";
}

const WebClient::Call& WebClient::call(const std::string& method, const std::string& route, const Form& form) {
    const std::string target = "/api/v1/" + route;
    const std::string body = formBody(form);
    const std::string refused = preflight(method, target, method == "POST");
    Call c{method, route, 0, nullptr, "", refused};
    if (refused.empty()) {
        HeaderPairs headers = kClientHeaders;
        if (!token_.empty()) {
            headers.emplace_back("Authorization", "Bearer " + token_);
        }
        if (method == "POST") {
            headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
        }
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(10, 0));
        HttpAnswer a = sendFromPage(session, method, target, headers, body, false);
        c.status = a.status;
        c.body = a.body;
        c.json = jsonObjectOf(a.body);
        c.cors = corsProblem(a.head);
    }
    calls_.push_back(c);
    return calls_.back();
}

bool WebClient::fail(const std::string& why) {
    failure_ = why;
    return false;
}

// The call passed CORS, answered 200 with meta.ok and has `key` (unless key is "").
bool WebClient::ok(const Call& c, const std::string& key) {
    const std::string what = c.method + " " + c.route;
    if (!c.cors.empty()) {
        return fail(what + ": " + c.cors);
    }
    if (c.status != 200 || !c.json || !c.json->has("meta") || !c.json->getObject("meta") ||
        !c.json->getObject("meta")->optValue("ok", false)) {
        return fail(what + " answered " + std::to_string(c.status) + ": " + c.body.substr(0, 200));
    }
    if (!key.empty() && !c.json->has(key)) {
        return fail(what + ": no '" + key + "' in " + c.body.substr(0, 200));
    }
    return true;
}

bool WebClient::logIn(const std::string& email, const std::string& password) {
    if (!ok(call("GET", "handshake"), "settings")) {
        return false;
    }
    const Call& login = call("POST", "user.login", {{"email", email}, {"password", password}, {"remember_me", "true"}});
    if (!ok(login, "token")) {
        return false;
    }
    token_ = login.json->getValue<std::string>("token");
    std::string query;
    Poco::URI::encode(email, "&=+%#?/@", query);
    const Call& info = call("GET", "user.info?email=" + query);
    if (!ok(info, "user")) {
        return false;
    }
    userId_ = idOf(info.json->getObject("user"));
    const Call& channels = call("GET", "channel.list?exclude_closed=false");
    if (!ok(channels, "channels")) {
        return false;
    }
    for (const auto& item : *channels.json->getArray("channels")) {
        auto channel = item.extract<Poco::JSON::Object::Ptr>();
        channelIds_.push_back(idOf(channel));
        teamOf_[idOf(channel)] = idOf(channel, "team_id");
    }
    for (const auto& [route, key] : std::vector<std::pair<std::string, std::string>>{
             {"team.list", "teams"}, {"channel.group.list", "groups"}, {"user.alerts", "alerts"}}) {
        if (!ok(call("GET", route), key)) {
            return false;
        }
    }
    const Call& connect = call("GET", "rtm.connect");
    if (!ok(connect, "rtm")) {
        return false;
    }
    wsEndpoint_ = connect.json->getObject("rtm")->optValue<std::string>("ws_endpoint", "");
    wsToken_ = connect.json->getObject("rtm")->optValue<std::string>("ws_token", "");
    auto claims = decodeJwtClaims(wsToken_);
    fingerPrint_ = claims ? claims->finger_print : "";
    return true;
}

bool WebClient::openSocket() {
    Poco::URI uri;
    try {
        uri = Poco::URI(wsEndpoint_);
    } catch (const std::exception& e) {
        return fail("ws_endpoint '" + wsEndpoint_ + "': " + e.what());
    }
    if (uri.getScheme() != "ws" || (uri.getHost() != "127.0.0.1" && uri.getHost() != "localhost")) {
        return fail("ws_endpoint '" + wsEndpoint_ + "' is not ws:// on this machine");
    }
    ws_ = std::make_unique<TestClient>(uri.getPort(), uri.getPathAndQuery().empty() ? "/" : uri.getPathAndQuery());
    if (!ws_->open()) {
        return fail("WebSocket to " + wsEndpoint_ + " answered " + std::to_string(ws_->status()));
    }
    ws_->sendText(R"({"command":"ws_auth","auth_token":")" + wsToken_ + "\"}");
    return wsPing();
}

bool WebClient::openChannel(int64_t channelId, std::vector<Poco::JSON::Object::Ptr>* messages) {
    const std::string id = std::to_string(channelId);
    if (!ok(call("GET", "channel.info?channel_id=" + id), "channel")) {
        return false;
    }
    std::set<int64_t> ids;
    std::string route = "channel.history?channel_id=" + id + "&limit=40";
    for (int page = 0; page < 1000; ++page) {
        const Call& history = call("GET", route);
        if (!ok(history, "messages")) {
            return false;
        }
        for (const auto& item : *history.json->getArray("messages")) {
            auto message = item.extract<Poco::JSON::Object::Ptr>();
            if (!ids.insert(idOf(message)).second) {
                return fail("channel.history gave message " + std::to_string(idOf(message)) + " twice");
            }
            messages->push_back(message);
        }
        if (!history.json->optValue("has_more", false)) {
            break;
        }
        std::string cursor;
        Poco::URI::encode(history.json->optValue<std::string>("next_cursor", ""), "&=+%#?/", cursor);
        route = "channel.history?channel_id=" + id + "&limit=40&cursor=" + cursor;
    }
    std::sort(messages->begin(), messages->end(), [](const auto& a, const auto& b) { return idOf(a) < idOf(b); });
    const int64_t team = teamOf_.count(channelId) ? teamOf_[channelId] : 0;
    return team == 0 || ok(call("GET", "team.members?team_id=" + std::to_string(team)), "members");
}

bool WebClient::postMessage(int64_t channelId, const std::string& text, int64_t* messageId) {
    const Call& posted = call("POST", "chat.postmessage", {{"channel_id", std::to_string(channelId)}, {"text", text}});
    if (!ok(posted, "message_id")) {
        return false;
    }
    const std::string id = std::to_string(idOf(posted.json, "message_id"));
    if (messageId) {
        *messageId = idOf(posted.json, "message_id");
    }
    return waitForEvent("chat.postMessage", "message.id", id) != nullptr ||
           fail("no chat.postMessage event for message " + id);
}

bool WebClient::systemPing() {
    const std::string pingToken = "ping-" + std::to_string(++pings_);
    const Call& ping = call("POST", "system.ping",
                            {{"finger_print", fingerPrint_}, {"ping_token", pingToken}, {"last_latency", "12"}});
    if (!ok(ping, "")) {
        return false;
    }
    return waitForEvent("system.ping", "ping_token", pingToken) != nullptr ||
           fail("no system.ping event with ping_token " + pingToken);
}

bool WebClient::wsPing() {
    ws_->sendText(R"({"command":"ws_ping"})");
    return waitForEvent("pong", "", "") != nullptr || fail("no pong for ws_ping");
}

void WebClient::closeSocket(int code) {
    if (ws_) {
        ws_->sendClose(code, "");
        ws_->receiveOpcode(kOpClose, 5000);
        ws_.reset();
    }
}

// The next event named `event` whose payload's `key` ("message.id": one level down) is `value`;
// answers the server's protocol pings meanwhile. nullptr when the socket ends or 10 s pass.
Poco::JSON::Object::Ptr WebClient::waitForEvent(const std::string& event, const std::string& key,
                                                const std::string& value) {
    for (;;) {
        Received r = ws_ ? ws_->receive(10000) : Received{};
        if (!ws_ || !r.isFrame()) {
            return nullptr;
        }
        if (r.opcode() == kOpPing) {
            ws_->sendPong(r.frame.payload);
            continue;
        }
        auto frame = jsonObjectOf(r.frame.payload);
        const std::string name = frame && frame->has("event") ? frame->getValue<std::string>("event") : "";
        seen_.push_back(name);
        if (name != event) {
            continue;
        }
        if (key.empty()) {
            return frame;
        }
        Poco::JSON::Object::Ptr at = frame->getObject("payload");
        std::string leaf = key;
        const size_t dot = key.find('.');
        if (at && dot != std::string::npos) {
            at = at->getObject(key.substr(0, dot));
            leaf = key.substr(dot + 1);
        }
        if (at && at->has(leaf) && at->get(leaf).toString() == value) {
            return frame;
        }
    }
}

}  // namespace rtmtap::test
