#include "HarFormat.h"

#include "ImportError.h"
#include "JsonObject.h"
#include "JsonOut.h"
#include "Reader.h"
#include "SessionSink.h"
#include "protocol/Base64.h"
#include "protocol/Classifier.h"
#include "protocol/IsoTime.h"
#include "protocol/JsonText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rtmtap {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// ---- writing: streamed, so a long session never sits in memory as a document ----

std::string wsUrl(const SessionRow& row) {
    std::string url = row.upstream.empty() ? "ws://unknown" + row.path : row.upstream;
    if (url.rfind("http://", 0) == 0) {
        return "ws://" + url.substr(7);
    }
    if (url.rfind("https://", 0) == 0) {
        return "wss://" + url.substr(8);
    }
    return url;
}

// Chrome writes milliseconds.
std::string harTime(int64_t wallUs) {
    return isoUtc(wallUs).substr(0, 23) + "Z";
}

std::string nameValue(const std::string& name, const std::string& value) {
    return JsonObject().string("name", name).string("value", value).str();
}

std::string requestHeaders(const std::string& headersJson) {
    std::string out = "[";
    if (headersJson.empty() || classify(headersJson).malformed) {
        return out + "]";
    }
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        Object::Ptr headers = parser.parse(headersJson).extract<Object::Ptr>();
        for (const std::string& name : headers->getNames()) {
            out += (out.size() > 1 ? "," : "") + nameValue(name, headers->getValue<std::string>(name));
        }
    } catch (const Poco::Exception&) {
        return "[]";  // not the store's JSON object of strings: keep the HAR valid
    }
    return out + "]";
}

std::string request(const SessionRow& row) {
    return JsonObject()
        .string("method", "GET")
        .string("url", wsUrl(row))
        .string("httpVersion", "HTTP/1.1")
        .raw("headers", requestHeaders(row.headers_json))
        .raw("queryString", "[]")
        .raw("cookies", "[]")
        .number("headersSize", -1)
        .number("bodySize", 0)
        .str();
}

std::string response(const SessionRow& row) {
    int status = row.http_status.value_or(101);
    std::string headers = "[";
    if (!row.subprotocol.empty()) {
        headers += nameValue("Sec-WebSocket-Protocol", row.subprotocol);
    }
    headers += "]";
    return JsonObject()
        .number("status", status)
        .string("statusText", status == 101 ? "Switching Protocols" : "")
        .string("httpVersion", "HTTP/1.1")
        .raw("headers", headers)
        .raw("cookies", "[]")
        .raw("content", R"({"size":0,"mimeType":"x-unknown"})")
        .string("redirectURL", "")
        .number("headersSize", -1)
        .number("bodySize", 0)
        .str();
}

std::string epochSeconds(int64_t wallUs) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(wallUs) / 1e6);
    return buf;
}

std::string message(const char* type, int64_t wallUs, int opcode, const std::string& dataJson) {
    return std::string("{\"type\":\"") + type + "\",\"time\":" + epochSeconds(wallUs) +
           ",\"opcode\":" + std::to_string(opcode) + ",\"data\":" + dataJson + "}";
}

// ---- reading ----

class EntryReader {
public:
    EntryReader(SessionSink& sink, const std::string& label) : sink_(sink), label_(label) {}

    // Reads entry number index when it is a WebSocket; returns whether it was.
    bool read(const Poco::Dynamic::Var& entry, size_t index);
    // From now on, each session gets the API calls among the entries that started no later
    // than it (HarApiCalls::Attach). Reads them all first: a HAR is not sorted by time.
    void attachApiCalls(const Array::Ptr& entries);

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw ImportError(where_ + ": " + what);
    }
    Object::Ptr object(const Object::Ptr& parent, const std::string& key) const;
    std::string text(const Object::Ptr& parent, const std::string& key, bool required) const;
    int64_t startedUs(const Object::Ptr& entry) const;
    ImportedSession session(const Object::Ptr& entry) const;
    // parent is the entry's "request" or "response", named by which.
    HeaderList headers(const Object::Ptr& parent, const std::string& which) const;
    RecordedApiCall apiCall(const Object::Ptr& entry) const;
    std::string content(const Object::Ptr& response) const;
    void messages(const Object::Ptr& entry, ImportedSession& s);
    void frame(const Object::Ptr& m, int64_t startedUs, std::vector<Message>& frames, std::string& errors) const;

    SessionSink& sink_;
    std::string label_;
    std::string where_;
    std::vector<RecordedApiCall> apiCalls_;  // oldest first
};

Object::Ptr EntryReader::object(const Object::Ptr& parent, const std::string& key) const {
    Object::Ptr child = parent->has(key) ? parent->getObject(key) : nullptr;
    if (!child) {
        fail("\"" + key + "\" must be an object");
    }
    return child;
}

std::string EntryReader::text(const Object::Ptr& parent, const std::string& key, bool required) const {
    if (!parent->has(key) || parent->isNull(key)) {
        if (required) {
            fail("\"" + key + "\" is missing");
        }
        return {};
    }
    Poco::Dynamic::Var v = parent->get(key);
    if (!v.isString()) {
        fail("\"" + key + "\" must be a string");
    }
    return v.extract<std::string>();
}

bool isWebSocket(const Object::Ptr& entry) {
    if (entry->has("_resourceType") && entry->get("_resourceType").isString() &&
        entry->getValue<std::string>("_resourceType") == "websocket") {
        return true;
    }
    Object::Ptr response = entry->has("response") ? entry->getObject("response") : nullptr;
    return response && entry->isArray("_webSocketMessages") && response->has("status") &&
           response->get("status").isInteger() && response->getValue<int>("status") == 101;
}

HeaderList EntryReader::headers(const Object::Ptr& parent, const std::string& which) const {
    HeaderList list;
    if (!parent->has("headers")) {
        return list;
    }
    Array::Ptr array = parent->getArray("headers");
    if (!array) {
        fail(which + ".headers must be an array of {name, value}");
    }
    for (size_t i = 0; i < array->size(); ++i) {
        Object::Ptr h = array->getObject(static_cast<unsigned>(i));
        if (!h || !h->has("name") || !h->has("value") || !h->get("name").isString() || !h->get("value").isString()) {
            fail(which + ".headers[" + std::to_string(i) + "] must be {\"name\": string, \"value\": string}");
        }
        list.emplace_back(h->getValue<std::string>("name"), h->getValue<std::string>("value"));
    }
    return list;
}

std::string subprotocolOf(const Object::Ptr& response) {
    Array::Ptr headers = response->has("headers") ? response->getArray("headers") : nullptr;
    for (size_t i = 0; headers && i < headers->size(); ++i) {
        Object::Ptr h = headers->getObject(static_cast<unsigned>(i));
        if (h && h->has("name") && h->has("value") && h->get("value").isString() &&
            Poco::icompare(h->get("name").toString(), "Sec-WebSocket-Protocol") == 0) {
            return h->getValue<std::string>("value");
        }
    }
    return {};
}

int64_t EntryReader::startedUs(const Object::Ptr& entry) const {
    std::string started = text(entry, "startedDateTime", true);
    const IsoTimeParse parsed = parseIsoTime(started);
    if (!parsed) {
        fail("startedDateTime is not an ISO-8601 time: " + jsonString(started) + " (" + parsed.reason + ")");
    }
    return parsed.us;
}

ImportedSession EntryReader::session(const Object::Ptr& entry) const {
    ImportedSession s;
    Object::Ptr req = object(entry, "request");
    s.info.upstream = text(req, "url", true);
    try {
        Poco::URI uri(s.info.upstream);
        s.info.path = uri.getPathAndQuery();
    } catch (const Poco::Exception& e) {
        fail("request.url is not a URL: " + e.displayText());
    }
    s.info.headers = headers(req, "request");
    s.info.started_wall_us = startedUs(entry);
    SessionEnd end;
    Object::Ptr resp = entry->has("response") ? entry->getObject("response") : nullptr;
    if (resp) {
        s.info.subprotocol = subprotocolOf(resp);
        if (resp->has("status") && resp->get("status").isInteger()) {
            end.http_status = resp->getValue<int>("status");
        }
    }
    s.end = end;
    s.label = label_;
    return s;
}

std::string EntryReader::content(const Object::Ptr& response) const {
    if (!response->has("content")) {
        return {};
    }
    Object::Ptr content = object(response, "content");
    std::string body = text(content, "text", false);
    if (text(content, "encoding", false) != "base64") {
        return body;
    }
    std::optional<std::string> bytes = decodeBase64(body);
    if (!bytes) {
        fail("response.content.text is not valid base64 (RFC 4648, padded)");
    }
    return std::move(*bytes);
}

RecordedApiCall EntryReader::apiCall(const Object::Ptr& entry) const {
    RecordedApiCall call;
    call.started_wall_us = startedUs(entry);
    Object::Ptr req = object(entry, "request");
    call.method = text(req, "method", true);
    try {
        call.path = Poco::URI(text(req, "url", true)).getPathAndQuery();
    } catch (const Poco::Exception& e) {
        fail("request.url is not a URL: " + e.displayText());
    }
    call.request_headers = headers(req, "request");
    if (req->has("postData")) {
        call.request_body = text(object(req, "postData"), "text", false);
    }
    if (!entry->has("response")) {
        return call;
    }
    Object::Ptr resp = object(entry, "response");
    if (resp->has("status")) {
        if (!resp->get("status").isInteger()) {
            fail("response.status must be an integer");
        }
        call.status = resp->getValue<int>("status");
    }
    call.response_headers = headers(resp, "response");
    call.response_body = content(resp);
    return call;
}

void EntryReader::attachApiCalls(const Array::Ptr& entries) {
    for (size_t i = 0; i < entries->size(); ++i) {
        Poco::Dynamic::Var value = entries->get(static_cast<unsigned>(i));
        // Not an object: read() says so when it comes to it. No request: nothing to answer.
        if (value.type() != typeid(Object::Ptr)) {
            continue;
        }
        Object::Ptr entry = value.extract<Object::Ptr>();
        if (isWebSocket(entry) || !entry->has("request")) {
            continue;
        }
        where_ = "log.entries[" + std::to_string(i) + "]";
        apiCalls_.push_back(apiCall(entry));
    }
    std::stable_sort(apiCalls_.begin(), apiCalls_.end(), [](const RecordedApiCall& a, const RecordedApiCall& b) {
        return a.started_wall_us < b.started_wall_us;
    });
}

void EntryReader::frame(const Object::Ptr& m, int64_t startedUs, std::vector<Message>& frames,
                        std::string& errors) const {
    std::string type = text(m, "type", true);
    if (!m->has("time") || !m->get("time").isNumeric()) {
        fail("\"time\" must be a number (epoch seconds)");
    }
    if (!m->has("opcode") || !m->get("opcode").isInteger()) {
        fail("\"opcode\" must be an integer");
    }
    double seconds = m->getValue<double>("time");
    int opcode = m->getValue<int>("opcode");
    std::string data = text(m, "data", false);
    if (type == "error") {
        errors += (errors.empty() ? "" : "; ") + data;
        return;
    }
    Message f;
    if (type == "send" || type == "receive") {
        f.dir = type == "send" ? Direction::ClientToServer : Direction::ServerToClient;
    } else {
        fail("\"type\" must be send, receive or error, not " + jsonString(type));
    }
    if (!std::isfinite(seconds) || std::fabs(seconds) > 1e11) {
        fail("\"time\" is not a time in epoch seconds");
    }
    switch (opcode) {
    case 1: f.op = Opcode::Text; f.payload = std::move(data); break;
    case 2: {
        f.op = Opcode::Binary;
        std::optional<std::string> bytes = decodeBase64(data);
        if (!bytes) {
            fail("opcode 2 data is not valid base64 (RFC 4648, padded)");
        }
        f.payload = std::move(*bytes);
        break;
    }
    case 8: f.op = Opcode::Close; f.payload = std::move(data); break;
    case 9: f.op = Opcode::Ping; f.payload = std::move(data); break;
    case 10: f.op = Opcode::Pong; f.payload = std::move(data); break;
    default: fail("opcode " + std::to_string(opcode) + " is not a WebSocket message opcode (1, 2 or -1)");
    }
    f.wall_us = std::llround(seconds * 1e6);
    f.t_us = std::max<int64_t>(0, f.wall_us - startedUs);
    f.size = f.payload.size();
    frames.push_back(std::move(f));
}

void EntryReader::messages(const Object::Ptr& entry, ImportedSession& s) {
    std::vector<Message> frames;
    std::string errors;
    Array::Ptr list = entry->has("_webSocketMessages") ? entry->getArray("_webSocketMessages") : nullptr;
    if (entry->has("_webSocketMessages") && !list) {
        fail("\"_webSocketMessages\" must be an array");
    }
    const std::string entryWhere = where_;
    for (size_t i = 0; list && i < list->size(); ++i) {
        where_ = entryWhere + "._webSocketMessages[" + std::to_string(i) + "]";
        Object::Ptr m = list->getObject(static_cast<unsigned>(i));
        if (!m) {
            fail("not an object");
        }
        frame(m, s.info.started_wall_us, frames, errors);
    }
    where_ = entryWhere;
    int64_t last = frames.empty() ? 0 : frames.back().t_us;
    s.end->ended_wall_us = s.info.started_wall_us + last;
    s.end->duration_us = last;
    s.end->error = errors;
    sink_.beginSession(s);
    for (const RecordedApiCall& call : apiCalls_) {
        if (call.started_wall_us > s.info.started_wall_us) {
            break;
        }
        sink_.addApiCall(RecordedApiCall(call));
    }
    for (Message& f : frames) {
        sink_.addFrame(std::move(f));
    }
}

bool EntryReader::read(const Poco::Dynamic::Var& value, size_t index) {
    where_ = "log.entries[" + std::to_string(index) + "]";
    if (value.type() != typeid(Object::Ptr)) {
        fail("not an object");
    }
    Object::Ptr entry = value.extract<Object::Ptr>();
    if (!isWebSocket(entry)) {
        return false;
    }
    ImportedSession s = session(entry);
    messages(entry, s);
    return true;
}

Array::Ptr entriesOf(std::istream& in) {
    Poco::JSON::Parser parser;
    parser.setDepth(512);  // hostile nesting must not exhaust the stack
    Poco::Dynamic::Var root;
    try {
        root = parser.parse(in);
    } catch (const Poco::Exception& e) {
        throw ImportError("not JSON: " + e.displayText());
    }
    Object::Ptr top = root.type() == typeid(Object::Ptr) ? root.extract<Object::Ptr>() : nullptr;
    Object::Ptr log = top && top->has("log") ? top->getObject("log") : nullptr;
    Array::Ptr entries = log && log->has("entries") ? log->getArray("entries") : nullptr;
    if (!entries) {
        throw ImportError("log.entries: missing or not an array (not a HAR file)");
    }
    return entries;
}

}  // namespace

void HarFormat::write(std::ostream& out, const SessionRow& row, Reader& reader,
                      const std::function<void(int64_t)>& progress) {
    out << R"({"log":{"version":"1.2","creator":{"name":"rtmtap","version":"1"},"pages":[],"entries":[)" << "\n"
        << "{\"startedDateTime\":\"" << harTime(row.started_wall_us) << "\",\n\"request\":" << request(row)
        << ",\n\"response\":" << response(row) << ",\n"
        << R"("cache":{},"timings":{"send":0,"wait":0,"receive":0},"_resourceType":"websocket",)"
        << "\n\"_webSocketMessages\":[";
    int64_t count = 0;
    int64_t lastWall = row.started_wall_us;
    bool first = true;
    reader.frames(row.id, [&](const FrameRow& frame) {
        const Message& m = frame.message;
        lastWall = std::max(lastWall, m.wall_us);
        if (progress && ++count % 4096 == 0) {
            progress(count);
        }
        if (m.op != Opcode::Text && m.op != Opcode::Binary) {
            return true;  // HAR has no place for ping, pong and close
        }
        const char* type = m.dir == Direction::ClientToServer ? "send" : "receive";
        std::string data = m.op == Opcode::Text ? jsonString(m.payload) : jsonString(encodeBase64(m.payload));
        out << (first ? "\n" : ",\n") << message(type, m.wall_us, m.op == Opcode::Text ? 1 : 2, data);
        first = false;
        return static_cast<bool>(out);
    });
    if (!row.error.empty()) {
        out << (first ? "\n" : ",\n") << message("error", row.ended_wall_us.value_or(lastWall), -1, jsonString(row.error));
    }
    int64_t endUs = row.ended_wall_us.value_or(lastWall);
    char time[48];
    std::snprintf(time, sizeof time, "%.3f", static_cast<double>(endUs - row.started_wall_us) / 1000.0);
    out << "],\n\"time\":" << time << "}\n]}}\n";
}

size_t HarFormat::read(std::istream& in, SessionSink& sink, const std::string& label, HarApiCalls apiCalls) {
    Array::Ptr entries = entriesOf(in);
    EntryReader reader(sink, label);
    if (apiCalls == HarApiCalls::Attach) {
        reader.attachApiCalls(entries);
    }
    size_t sessions = 0;
    for (size_t i = 0; i < entries->size(); ++i) {
        sessions += reader.read(entries->get(static_cast<unsigned>(i)), i) ? 1 : 0;
    }
    return sessions;
}

}  // namespace rtmtap
