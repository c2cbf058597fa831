#include "InterceptConnection.h"

#include "Interceptor.h"
#include "JsonLineChannel.h"
#include "LiveSessions.h"
#include "protocol/Base64.h"
#include "protocol/Classifier.h"
#include "protocol/Utf8.h"
#include "proxy/Proxy.h"
#include "store/JsonObject.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <stdexcept>

namespace rtmtap {
namespace {

// How often the writer looks for held frames whose session ended (the relay records them as
// dropped; the controller must not wait for them until their hold time).
constexpr auto kEndedCheck = std::chrono::milliseconds(250);

struct BadDecision : std::runtime_error {
    BadDecision(std::string c, const std::string& message) : std::runtime_error(message), code(std::move(c)) {}
    std::string code;
};

std::string heldEvent(const Interceptor::Held& h, int holdMs) {
    const Message& m = h.message;
    uint32_t flags = m.flags;
    const Classification c = classifyMessage(m, flags);
    JsonObject json;
    json.string("event", "held").number("id", static_cast<int64_t>(h.id)).number("session", m.session);
    json.string("dir", toString(m.dir)).string("op", toString(m.op)).string("kind", toString(c.kind));
    json.stringOrNull("name", c.name).number("size", static_cast<int64_t>(m.payload.size()));
    json.number("hold_timeout_ms", holdMs);
    if (m.op == Opcode::Text && isValidUtf8(m.payload)) {
        json.string("payload", m.payload);
    } else {
        json.string("payload_base64", encodeBase64(m.payload));
    }
    return json.str();
}

std::string endEvent(const char* event, const Interceptor::Held& h, int holdMs) {
    JsonObject json;
    json.string("event", event).number("id", static_cast<int64_t>(h.id)).number("session", h.message.session);
    if (holdMs > 0) {
        json.number("hold_timeout_ms", holdMs);
    }
    return json.str();
}

std::string stringField(const Poco::JSON::Object& request, const std::string& key) {
    Poco::Dynamic::Var v = request.get(key);
    if (!v.isString()) {
        throw BadDecision("bad_request", "\"" + key + "\" must be a string");
    }
    return v.extract<std::string>();
}

// The payload an edit sends instead, checked against the frame's opcode.
std::string editedPayload(const Poco::JSON::Object& request, Opcode op) {
    const bool text = request.has("payload");
    if (text == request.has("payload_base64")) {
        throw BadDecision("bad_request", "an edit gives one of \"payload\" (text) or \"payload_base64\"");
    }
    std::string payload;
    if (text) {
        payload = stringField(request, "payload");
    } else {
        std::optional<std::string> bytes = decodeBase64(stringField(request, "payload_base64"));
        if (!bytes) {
            throw BadDecision("bad_request", "\"payload_base64\" is not base64");
        }
        payload = std::move(*bytes);
    }
    if (op == Opcode::Close) {
        throw BadDecision("bad_request", "a close frame cannot be edited (forward or drop it)");
    }
    if (op == Opcode::Text && !isValidUtf8(payload)) {
        throw BadDecision("bad_request", "a text frame's payload must be UTF-8");
    }
    if ((op == Opcode::Ping || op == Opcode::Pong) && payload.size() > 125) {
        throw BadDecision("bad_request", "a ping or pong holds at most 125 bytes");
    }
    return payload;
}

}  // namespace

InterceptConnection::InterceptConnection(ControlHandler& handler, JsonLineChannel& channel)
    : handler_(handler), channel_(channel) {}

InterceptConnection::~InterceptConnection() {
    releaseAll();
    stopWriter();
}

bool InterceptConnection::run(const InterceptRequest& request, const std::string& ok) {
    interceptor_ = std::make_shared<Interceptor>(request.match, request.holdMs);
    handler_.proxy().attach(interceptor_);
    const Poco::Timespan idle = channel_.socket().getReceiveTimeout();
    bool forwardAll = false;
    try {
        send(ok);
        writer_ = std::thread([this] { announce(); });
        channel_.socket().setReceiveTimeout(Poco::Timespan(0));  // none: a person is deciding
        std::string line;
        while (!forwardAll) {
            const JsonLineChannel::Read r = channel_.readLine(line);
            if (r == JsonLineChannel::Read::TooLong) {
                send(ControlHandler::error("too_long", "the request is too long"));
                break;
            }
            if (r != JsonLineChannel::Read::Line) {
                break;  // the controller is gone (end, a read error) or the server stops (shutdown)
            }
            if (line.find_first_not_of(" \t") == std::string::npos) {
                continue;
            }
            std::string answer = handle(line, forwardAll);
            if (forwardAll) {
                answer = "{\"ok\":true,\"forwarded\":" + std::to_string(releaseAll()) + "}";
                stopWriter();  // every event it sends comes before this answer
            }
            send(answer);
        }
        channel_.socket().setReceiveTimeout(idle);
    } catch (const std::exception&) {
        forwardAll = false;  // the controller went away or stopped reading
    }
    releaseAll();
    stopWriter();
    return forwardAll;
}

std::string InterceptConnection::handle(const std::string& line, bool& forwardAll) {
    Poco::JSON::Object::Ptr request;
    try {
        Poco::JSON::Parser parser;
        request = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
        return handler_.answer(line);  // says what is wrong with it
    }
    Poco::Dynamic::Var cmd = request->get("cmd");
    if (cmd.isString() && cmd.extract<std::string>() == "decide") {
        return decide(*request);
    }
    if (cmd.isString() && cmd.extract<std::string>() == "forward_all") {
        forwardAll = true;
        return "";
    }
    return handler_.answer(line);
}

std::string InterceptConnection::decide(const Poco::JSON::Object& request) {
    Poco::Dynamic::Var idVar = request.get("id");
    const std::string idJson = idVar.isInteger() ? std::to_string(idVar.convert<int64_t>()) : "";
    try {
        if (!idVar.isInteger() || idVar.convert<int64_t>() < 1) {
            throw BadDecision("bad_request", "\"id\" must be the id of a held frame");
        }
        const uint64_t id = idVar.convert<uint64_t>();
        const std::string action = request.has("action") ? stringField(request, "action") : "";
        if (action != "forward" && action != "drop" && action != "edit") {
            throw BadDecision("bad_request", "\"action\" must be forward, drop or edit");
        }
        std::optional<Opcode> op = interceptor_->opOf(id);
        FilterResult decision;
        if (op && action == "edit") {
            Message edited;
            edited.op = *op;
            edited.payload = editedPayload(request, *op);
            decision = FilterResult::replace({std::move(edited)});
        } else if (action == "drop") {
            decision = FilterResult::drop();
        }
        std::optional<Interceptor::Held> held = interceptor_->take(id);
        if (!held) {
            throw BadDecision("not_held", "frame " + idJson + " is not held (it was decided, its hold time passed, or "
                                          "its session ended)");
        }
        const int64_t session = held->message.session;
        if (!handler_.proxy().release(session, held->token, std::move(decision))) {
            throw BadDecision("not_held", handler_.live().find(session)
                                              ? "frame " + idJson + " went on unchanged after its hold time"
                                              : "session " + std::to_string(session) + " has ended");
        }
        return "{\"ok\":true,\"id\":" + idJson + ",\"action\":\"" + action + "\"}";
    } catch (const BadDecision& e) {
        return ControlHandler::error(e.code, e.what(), idJson);
    }
}

void InterceptConnection::announce() {
    Proxy& proxy = handler_.proxy();
    LiveSessions& live = handler_.live();
    const int holdMs = interceptor_->holdMs();
    try {
        for (;;) {
            Interceptor::Work work = interceptor_->wait(Interceptor::Clock::now() + kEndedCheck);
            if (work.closed) {
                return;
            }
            for (const Interceptor::Held& h : work.held) {
                send(heldEvent(h, holdMs));
            }
            for (Interceptor::Held& h : work.expired) {
                proxy.release(h.message.session, h.token, FilterResult{});  // false: the relay did it first
                send(endEvent("expired", h, holdMs));
            }
            for (const Interceptor::Held& h :
                 interceptor_->takeEnded([&](int64_t session) { return live.find(session).has_value(); })) {
                send(endEvent("ended", h, 0));
            }
        }
    } catch (const std::exception&) {
        // The controller stopped reading (the send timeout) or is gone: end the connection, so
        // that run() releases everything.
        try {
            channel_.socket().shutdown();
        } catch (const std::exception&) {
        }
    }
}

size_t InterceptConnection::releaseAll() {
    std::lock_guard<std::mutex> lock(releaseMutex_);
    if (released_ || !interceptor_) {
        return 0;
    }
    released_ = true;
    handler_.proxy().detach(interceptor_);  // first: nothing new is held from here on
    size_t released = 0;
    for (const Interceptor::Held& h : interceptor_->close()) {
        released += handler_.proxy().release(h.message.session, h.token, FilterResult{}) ? 1 : 0;
    }
    return released;
}

void InterceptConnection::stopWriter() {
    if (writer_.joinable()) {
        writer_.join();
    }
}

void InterceptConnection::send(const std::string& line) {
    std::lock_guard<std::mutex> lock(sendMutex_);
    channel_.writeLine(line);
}

}  // namespace rtmtap
