#include "ControlHandler.h"

#include "LiveSessions.h"
#include "protocol/Base64.h"
#include "protocol/JsonText.h"
#include "proxy/Proxy.h"
#include "rules/MatchJson.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace rtmtap {
namespace {

// A request the handler refuses: its code and one line for the user.
struct Refusal : std::runtime_error {
    Refusal(std::string c, const std::string& message) : std::runtime_error(message), code(std::move(c)) {}
    std::string code;
};

constexpr int64_t kMaxHoldMs = 24 * 3600 * 1000;  // a day: a breakpoint left over night still ends

[[noreturn]] void badRequest(const std::string& message) {
    throw Refusal("bad_request", message);
}

std::string idsJson(const std::vector<int64_t>& ids) {
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i) {
        out += (i ? "," : "") + std::to_string(ids[i]);
    }
    return out + "]";
}

// "id" as JSON text to repeat in the answer: numbers and strings only, others are ignored.
std::string idOf(const Poco::JSON::Object& request) {
    Poco::Dynamic::Var id = request.get("id");
    if (id.isInteger()) {
        return std::to_string(id.convert<int64_t>());
    }
    return id.isString() ? jsonString(id.extract<std::string>()) : "";
}

std::string okAnswer(const std::string& idJson, const std::string& fields) {
    return "{\"ok\":true" + (idJson.empty() ? "" : ",\"id\":" + idJson) + fields + "}";
}

std::string stringOf(const Poco::JSON::Object& request, const std::string& key) {
    Poco::Dynamic::Var v = request.get(key);
    if (!v.isString()) {
        badRequest("\"" + key + "\" must be a string");
    }
    return v.extract<std::string>();
}

struct InjectRequest {
    Direction dir = Direction::ClientToServer;
    Opcode op = Opcode::Text;
    std::string payload;
};

InjectRequest injectRequest(const Poco::JSON::Object& request) {
    InjectRequest r;
    if (!request.has("dir") || !parseDirection(stringOf(request, "dir"), r.dir)) {
        badRequest("\"dir\" must be \"c2s\" or \"s2c\"");
    }
    if (request.has("op") && !parseOpcode(stringOf(request, "op"), r.op)) {
        badRequest("\"op\" must be text, binary, ping or pong");
    }
    bool text = request.has("payload");
    bool base64 = request.has("payload_base64");
    if (text == base64) {
        badRequest("give one of \"payload\" (text) or \"payload_base64\"");
    }
    if (text) {
        r.payload = stringOf(request, "payload");
    } else {
        std::optional<std::string> bytes = decodeBase64(stringOf(request, "payload_base64"));
        if (!bytes) {
            badRequest("\"payload_base64\" is not base64");
        }
        r.payload = std::move(*bytes);
    }
    return r;
}

}  // namespace

std::string ControlHandler::error(const std::string& code, const std::string& message, const std::string& idJson) {
    return "{\"ok\":false" + (idJson.empty() ? "" : ",\"id\":" + idJson) + ",\"code\":" + jsonString(code) +
           ",\"error\":" + jsonString(message) + "}";
}

std::string ControlHandler::answer(const std::string& line, std::optional<InterceptRequest>* intercept) {
    Poco::JSON::Object::Ptr request;
    try {
        Poco::JSON::Parser parser;
        request = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return error("bad_request", "the request is not a JSON object");
    } catch (...) {
        return error("bad_request", "the request is not a JSON object");
    }
    const std::string id = idOf(*request);
    try {
        Poco::Dynamic::Var cmd = request->get("cmd");
        if (!cmd.isString()) {
            badRequest("the request has no \"cmd\" string");
        }
        const std::string name = cmd.extract<std::string>();
        if (name == "sessions") {
            return okAnswer(id, ",\"sessions\":" + sessionsJson());
        }
        if (name == "inject") {
            return okAnswer(id, inject(*request));
        }
        if (name == "intercept") {
            if (intercept == nullptr) {
                throw Refusal("intercepting", "this connection intercepts already");
            }
            *intercept = interceptRequest(*request);
            return okAnswer(id, ",\"hold_timeout_ms\":" + std::to_string((*intercept)->holdMs));
        }
        if (name == "decide" || name == "forward_all") {
            throw Refusal("not_intercepting", "'" + name + "' answers held frames: send intercept first");
        }
        throw Refusal("unknown_command", "unknown command '" + name + "' (sessions, inject, intercept)");
    } catch (const Refusal& r) {
        return error(r.code, r.what(), id);
    } catch (const std::exception& e) {
        return error("bad_request", e.what(), id);
    }
}

std::string ControlHandler::sessionsJson() const {
    std::string out = "[";
    bool first = true;
    for (const LiveSession& s : live_.list()) {
        out += (first ? "" : ",") + s.toJson();
        first = false;
    }
    return out + "]";
}

std::string ControlHandler::inject(const Poco::JSON::Object& request) {
    const bool bySession = request.has("session");
    if (bySession == request.has("user")) {
        badRequest("give one of \"session\" or \"user\"");
    }
    InjectRequest r = injectRequest(request);
    std::vector<int64_t> targets;
    if (bySession) {
        Poco::Dynamic::Var v = request.get("session");
        if (!v.isInteger()) {
            badRequest("\"session\" must be an integer");
        }
        int64_t session = v.convert<int64_t>();
        if (!live_.find(session)) {
            throw Refusal("not_live", notLive(session));
        }
        targets.push_back(session);
    } else {
        Poco::Dynamic::Var v = request.get("user");
        const std::string user = v.isString() ? v.extract<std::string>() : v.isInteger() ? v.toString() : "";
        if (user.empty()) {
            badRequest("\"user\" must be a user id or name");
        }
        for (const LiveSession& s : live_.list()) {
            if (s.isUser(user)) {
                targets.push_back(s.id);
            }
        }
    }
    std::vector<int64_t> injected, missed;
    for (int64_t session : targets) {
        // Proxy::inject throws std::invalid_argument for an op or size it cannot send: a bad request.
        (injectInto(session, r.dir, r.op, r.payload) ? injected : missed).push_back(session);
    }
    if (bySession && injected.empty()) {
        throw Refusal("not_live", "session " + std::to_string(targets[0]) + " has ended");
    }
    return ",\"injected\":" + idsJson(injected) + ",\"missed\":" + idsJson(missed);
}

bool ControlHandler::injectInto(int64_t session, Direction dir, Opcode op, const std::string& payload) {
    // A session is announced to the taps just before its relay reaches its loop: one that is
    // still listed as live but not yet taken is in that hand-over, so it is asked again, briefly.
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (proxy_.inject(session, dir, op, payload)) {
            return true;
        }
        if (!live_.find(session)) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

InterceptRequest ControlHandler::interceptRequest(const Poco::JSON::Object& request) {
    InterceptRequest r;
    if (request.has("match")) {
        Poco::JSON::Object::Ptr match = request.getObject("match");
        if (!match) {
            badRequest("\"match\" must be an object (the query filters by their flag names)");
        }
        std::ostringstream text;
        Poco::JSON::Stringifier::stringify(match, text);
        try {
            r.match = parseMatchJson(text.str());
        } catch (const std::invalid_argument& e) {
            badRequest(e.what());
        }
    }
    if (request.has("hold_timeout_ms")) {
        Poco::Dynamic::Var v = request.get("hold_timeout_ms");
        if (!v.isInteger() || v.convert<int64_t>() < 1 || v.convert<int64_t>() > kMaxHoldMs) {
            badRequest("\"hold_timeout_ms\" must be an integer from 1 to " + std::to_string(kMaxHoldMs));
        }
        r.holdMs = static_cast<int>(v.convert<int64_t>());
    }
    return r;
}

std::string ControlHandler::notLive(int64_t session) const {
    int64_t newest = live_.highestId();
    if (session > 0 && session <= newest) {
        return "session " + std::to_string(session) + " has ended";
    }
    return "there is no session " + std::to_string(session) + " in this proxy (" +
           (newest ? "the newest is " + std::to_string(newest) : "none has started yet") + ")";
}

}  // namespace rtmtap
