#include "JsonlFormat.h"

#include "ImportError.h"
#include "JsonObject.h"
#include "JsonOut.h"
#include "Reader.h"
#include "SessionSink.h"
#include "protocol/Base64.h"
#include "protocol/Classifier.h"
#include "protocol/IsoTime.h"
#include "protocol/JsonScanner.h"
#include "protocol/JsonText.h"
#include "protocol/Utf8.h"
#include "protocol/CloseFrame.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>
#include <vector>

namespace rtmtap {
namespace {

// ---- writing ----

bool isJsonContainer(const std::string& p) {
    return p.size() >= 2 && ((p.front() == '{' && p.back() == '}') || (p.front() == '[' && p.back() == ']'));
}

// An object whose first key is "base64" would read back as the base64 form.
bool startsWithBase64Key(const std::string& p) {
    if (p.front() != '{') {
        return false;
    }
    size_t i = p.find_first_not_of(" \t", 1);
    return i != std::string::npos && p.compare(i, 8, "\"base64\"") == 0;
}

// The payload can be written as itself and read back byte for byte: one line, nothing around it.
bool embeddable(const std::string& p) {
    return isJsonContainer(p) && p.find_first_of("\r\n") == std::string::npos && !startsWithBase64Key(p) &&
           !classify(p).malformed;
}

std::string base64Form(const std::string& bytes) {
    return "{\"base64\":\"" + encodeBase64(bytes) + "\"}";
}

std::string closeData(const std::string& p) {
    if (p.size() < 2 || !isValidUtf8(std::string_view(p).substr(2))) {
        return base64Form(p);
    }
    int code = closeCodeOf(p, 1005);
    return "{\"code\":" + std::to_string(code) + ",\"reason\":" + jsonString(std::string_view(p).substr(2)) + "}";
}

// A text frame's data, or an API call's body.
std::string textData(const std::string& text) {
    if (embeddable(text)) {
        return text;
    }
    return isValidUtf8(text) ? jsonString(text) : base64Form(text);
}

std::string dataOf(const Message& m) {
    switch (m.op) {
    case Opcode::Text:
        return textData(m.payload);
    case Opcode::Close:
        return closeData(m.payload);
    case Opcode::Ping:
    case Opcode::Pong:
        return isValidUtf8(m.payload) ? jsonString(m.payload) : base64Form(m.payload);
    default:
        return base64Form(m.payload);
    }
}

// The headers column is JSON written by the store; anything else (a hand-made file) becomes {}.
std::string headersOrEmpty(const std::string& json) {
    return json.size() >= 2 && json.front() == '{' && !classify(json).malformed ? json : "{}";
}

// ---- reading: a frame line, without a DOM (import speed) ----

constexpr const char* kJsonSpace = " \t\r\n";

struct Member {
    std::string_view key;    // raw, between the quotes
    std::string_view value;  // raw JSON text of the value
};

// The top-level members of text (an array's elements come with empty keys), in one pass of the
// project's scanner. out stays empty unless text is valid JSON; the result says whether it was
// and whether it was an object.
JsonMembers membersOf(std::string_view text, std::vector<Member>& out) {
    JsonScanOptions options;
    options.maxDepth = JsonScanOptions::kUnlimited;  // any depth, as the store itself takes
    JsonMembers found = jsonMembers(text, options);
    out.clear();
    for (const JsonMember& m : found.members) {
        out.push_back({text.substr(m.key.offset, m.key.length), text.substr(m.valueOffset, m.valueLength)});
    }
    return found;
}

// Duplicate keys: the last one wins, as in JSON.parse.
const Member* find(const std::vector<Member>& members, std::string_view key) {
    const Member* found = nullptr;
    for (const Member& m : members) {
        if (m.key == key) {
            found = &m;
        }
    }
    return found;
}

bool isString(std::string_view value) {
    return !value.empty() && value.front() == '"';
}

// value is a valid JSON string (quotes included).
std::string decodeString(std::string_view value) {
    return unescapeJson(value.substr(1, value.size() - 2));
}

// The inverse of flagNames(); "bit<N>" names an unknown bit.
uint32_t flagBit(const std::string& name) {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> all;
        for (int bit = 0; bit < 32; ++bit) {
            all.push_back(flagNames(1u << bit).front());
        }
        return all;
    }();
    for (size_t bit = 0; bit < names.size(); ++bit) {
        if (names[bit] == name) {
            return 1u << bit;
        }
    }
    return 0;
}

class LineReader {
public:
    LineReader(SessionSink& sink, const std::string& label) : sink_(sink), label_(label) {}

    void line(std::string_view text, uint64_t number);
    void finish(uint64_t lines) const;

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw ImportError(number_, what);
    }
    void sessionLine(std::string_view text);
    int64_t sinkIdOf(int64_t fileId) const;
    void apiCallLine(std::string_view text);
    void frameLine();
    uint32_t flags(const Member* member) const;
    // member: the name data came under, for the error messages.
    std::string payload(const Member& data, Opcode op, const char* member = "data") const;
    int64_t integer(const char* key, bool required, int64_t fallback) const;
    std::string string(const char* key) const;

    SessionSink& sink_;
    std::string label_;
    std::map<int64_t, int64_t> sinkIds_;  // a session line's "id" -> the id the sink gave it
    std::vector<Member> members_;
    uint64_t number_ = 0;
    bool inSession_ = false;
    int64_t startedUs_ = 0;
    int64_t frames_ = 0;  // frame lines of the current session so far
};

void LineReader::line(std::string_view text, uint64_t number) {
    number_ = number;
    if (text.find_first_not_of(kJsonSpace) == std::string_view::npos || text.front() == '#') {
        return;  // blank lines (editors add them) and comments (rtmtap edit writes them)
    }
    const JsonMembers found = membersOf(text, members_);
    if (!found.valid) {
        fail("not valid JSON (a line holds one complete JSON object)");
    }
    if (!found.object) {
        fail("not a JSON object");
    }
    if (const Member* kind = find(members_, "rtmtap")) {
        if (kind->value == "\"api_call\"") {
            apiCallLine(text);
        } else {
            sessionLine(text);
        }
    } else if (!inSession_) {
        fail("expected the session line ({\"rtmtap\":\"session\",...}) before any frame");
    } else {
        frameLine();
    }
}

void LineReader::finish(uint64_t lines) const {
    if (!inSession_) {
        throw ImportError(lines, "no session line in the file (is it rtmtap JSONL?)");
    }
}

// ---- the session line: small and rare, read with Poco::JSON ----

class SessionFields {
public:
    SessionFields(Poco::JSON::Object::Ptr object, uint64_t line) : object_(std::move(object)), line_(line) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw ImportError(line_, what);
    }
    bool isNull(const std::string& key) const { return !object_->has(key) || object_->isNull(key); }
    std::string text(const std::string& key) const {
        if (isNull(key)) {
            return {};
        }
        Poco::Dynamic::Var v = object_->get(key);
        if (!v.isString()) {
            fail("\"" + key + "\" must be a string or null");
        }
        return v.extract<std::string>();
    }
    std::optional<int64_t> integer(const std::string& key) const {
        if (isNull(key)) {
            return std::nullopt;
        }
        Poco::Dynamic::Var v = object_->get(key);
        if (!v.isInteger()) {
            fail("\"" + key + "\" must be an integer or null");
        }
        return v.convert<int64_t>();
    }
    // A session id: positive, or 0 when null or missing.
    int64_t sessionId(const std::string& key) const {
        const int64_t id = integer(key).value_or(0);
        if (id < 0) {
            fail("\"" + key + "\" must be a session id (a positive integer) or null");
        }
        return id;
    }
    // The line's own "id": only a hint, so anything but a positive integer counts as none (hand-
    // made files and files of older builds read as before).
    int64_t ownId() const {
        if (isNull("id")) {
            return 0;
        }
        Poco::Dynamic::Var v = object_->get("id");
        return v.isInteger() ? std::max<int64_t>(0, v.convert<int64_t>()) : 0;
    }
    std::optional<int64_t> time(const std::string& key) const {
        std::string iso = text(key);
        if (iso.empty()) {
            return std::nullopt;
        }
        const IsoTimeParse parsed = parseIsoTime(iso);
        if (!parsed) {
            fail("\"" + key + "\" is not an ISO-8601 time: " + jsonString(iso) + " (" + parsed.reason + ")");
        }
        return parsed.us;
    }
    HeaderList headers(const std::string& key) const {
        HeaderList list;
        if (isNull(key)) {
            return list;
        }
        Poco::JSON::Object::Ptr h = object_->getObject(key);
        if (!h) {
            fail("\"" + key + "\" must be an object of strings");
        }
        for (const std::string& name : h->getNames()) {
            Poco::Dynamic::Var v = h->get(name);
            if (!v.isString()) {
                fail("header " + jsonString(name) + " must be a string");
            }
            list.emplace_back(name, v.extract<std::string>());
        }
        return list;
    }

private:
    Poco::JSON::Object::Ptr object_;
    uint64_t line_;
};

Poco::JSON::Object::Ptr parseObject(std::string_view text, uint64_t line) {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    try {
        return parser.parse(std::string(text)).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception& e) {
        throw ImportError(line, "not a session object: " + e.displayText());
    }
}

void LineReader::sessionLine(std::string_view text) {
    SessionFields f(parseObject(text, number_), number_);
    if (f.text("rtmtap") != "session") {
        fail("\"rtmtap\" must be \"session\" or \"api_call\"");
    }
    std::optional<int64_t> version = f.integer("version");
    if (version && (*version < 1 || *version > JsonlFormat::kVersion)) {
        fail("format version " + std::to_string(*version) + " is not one this rtmtap reads (1 to " +
             std::to_string(JsonlFormat::kVersion) + "; upgrade rtmtap)");
    }
    ImportedSession s;
    std::optional<int64_t> started = f.time("started_at");
    if (!started) {
        fail("\"started_at\" is missing (an ISO-8601 time)");
    }
    s.info.started_wall_us = *started;
    s.info.client = f.text("client");
    s.info.upstream = f.text("upstream");
    s.info.path = f.text("path");
    s.info.subprotocol = f.text("subprotocol");
    s.info.headers = f.headers("headers");
    if (std::optional<int64_t> ended = f.time("ended_at")) {
        SessionEnd end;
        end.ended_wall_us = *ended;
        end.duration_us = f.integer("duration_us").value_or(*ended - *started);
        int64_t endUs = 0;
        if (__builtin_add_overflow(*started, end.duration_us, &endUs)) {
            fail("\"duration_us\" " + std::to_string(end.duration_us) +
                 " is out of range: the session would end past the times rtmtap holds");
        }
        end.close_code = static_cast<int>(f.integer("close_code").value_or(-1));
        end.close_reason = f.text("close_reason");
        end.closed_by = f.text("closed_by");
        end.error = f.text("error");
        end.http_status = static_cast<int>(f.integer("http_status").value_or(101));
        s.end = end;
    }
    s.label = label_.empty() ? f.text("label") : label_;
    s.info.replay_of = sinkIdOf(f.sessionId("replay_of"));
    s.info.derived_from = sinkIdOf(f.sessionId("derived_from"));
    const int64_t sinkId = sink_.beginSession(s);
    if (const int64_t ownId = f.ownId(); ownId != 0) {
        sinkIds_[ownId] = sinkId;
    }
    startedUs_ = *started;
    inSession_ = true;
    frames_ = 0;
}

// A session named by an earlier session line of the file is the one the sink made of it; any
// other id goes to the sink as the file has it (SessionImporter keeps it only when its database
// holds that session).
int64_t LineReader::sinkIdOf(int64_t fileId) const {
    const auto it = sinkIds_.find(fileId);
    return it == sinkIds_.end() ? fileId : it->second;
}

// ---- API call lines (version 2): the session's login; fields small, read with Poco::JSON, but
// the bodies byte for byte like frame data ----

void LineReader::apiCallLine(std::string_view text) {
    if (!inSession_) {
        fail("expected the session line ({\"rtmtap\":\"session\",...}) before any api_call line");
    }
    SessionFields f(parseObject(text, number_), number_);
    RecordedApiCall call;
    std::optional<int64_t> started = f.time("started_at");
    if (!started) {
        fail("\"started_at\" is missing (an ISO-8601 time)");
    }
    call.started_wall_us = *started;
    call.method = f.text("method");
    call.path = f.text("path");
    call.status = static_cast<int>(f.integer("status").value_or(0));
    call.response_headers = f.headers("response_headers");
    call.request_headers = f.headers("request_headers");
    for (auto [key, body] : {std::pair{"response_body", &call.response_body}, {"request_body", &call.request_body}}) {
        const Member* m = find(members_, key);
        if (m && m->value != "null") {
            *body = payload(*m, Opcode::Text, key);
        }
    }
    sink_.addApiCall(std::move(call));
}

// ---- frame lines ----

int64_t LineReader::integer(const char* key, bool required, int64_t fallback) const {
    const Member* m = find(members_, key);
    if (!m || m->value == "null") {
        if (required) {
            fail(std::string("\"") + key + "\" is missing");
        }
        return fallback;
    }
    int64_t value = 0;
    if (!parseJsonInt64(m->value, value)) {
        fail(std::string("\"") + key + "\" must be an integer, not " + std::string(m->value.substr(0, 40)));
    }
    return value;
}

std::string LineReader::string(const char* key) const {
    const Member* m = find(members_, key);
    if (!m) {
        fail(std::string("\"") + key + "\" is missing");
    }
    if (!isString(m->value)) {
        fail(std::string("\"") + key + "\" must be a string");
    }
    return decodeString(m->value);
}

uint32_t LineReader::flags(const Member* member) const {
    if (!member || member->value == "null") {
        return 0;
    }
    std::vector<Member> items;
    if (!membersOf(member->value, items).array) {
        fail("\"flags\" must be an array of flag names");
    }
    uint32_t bits = 0;
    for (const Member& item : items) {
        if (!isString(item.value)) {
            fail("\"flags\" must be an array of flag names");
        }
        std::string name = decodeString(item.value);
        uint32_t bit = flagBit(name);
        if (bit == 0) {
            fail("unknown flag " + jsonString(name));
        }
        bits |= bit;
    }
    return bits;
}

// A frame's data as the payload it stands for; errors as ImportError without a line (the caller
// knows it).
[[noreturn]] void failData(const std::string& what) {
    throw ImportError(0, what);
}

std::string base64Payload(std::string_view object, const char* member) {
    std::vector<Member> inner;
    membersOf(object, inner);
    if (inner.size() != 1 || !isString(inner[0].value)) {
        failData(std::string("\"") + member + "\": {\"base64\": ...} must hold one string and nothing else");
    }
    std::optional<std::string> bytes = decodeBase64(decodeString(inner[0].value));
    if (!bytes) {
        failData(std::string("\"") + member + "\": the base64 string is not valid base64 (RFC 4648, padded)");
    }
    return std::move(*bytes);
}

std::string closePayload(std::string_view object) {
    std::vector<Member> inner;
    membersOf(object, inner);
    const Member* code = find(inner, "code");
    const Member* reason = find(inner, "reason");
    int64_t value = -1;
    if (!code || !parseJsonInt64(code->value, value) || value < 0 || value > 65535) {
        failData("\"data\" of a close must be {\"code\": 0..65535, \"reason\": \"...\"} or {\"base64\": ...}");
    }
    if (reason && !isString(reason->value)) {
        failData("\"data\": the close \"reason\" must be a string");
    }
    std::string bytes;
    bytes += static_cast<char>(value >> 8);
    bytes += static_cast<char>(value & 0xff);
    if (reason) {
        bytes += decodeString(reason->value);
    }
    return bytes;
}

std::string dataPayload(std::string_view v, Opcode op, const char* member) {
    if (isString(v)) {
        return decodeString(v);
    }
    if (v.front() == '{') {
        const size_t key = v.find_first_not_of(kJsonSpace, 1);
        if (key != std::string_view::npos && v.compare(key, 8, "\"base64\"") == 0) {
            return base64Payload(v, member);
        }
        if (op == Opcode::Close) {
            return closePayload(v);
        }
    }
    if (op != Opcode::Text) {
        failData(std::string("\"") + member + "\" of a " + toString(op) + " frame must be a string or {\"base64\": ...}");
    }
    return std::string(v);  // the JSON text's own bytes, not re-serialised
}

std::string LineReader::payload(const Member& data, Opcode op, const char* member) const {
    try {
        return dataPayload(data.value, op, member);
    } catch (const ImportError& e) {
        fail(e.withoutLine());
    }
}

void LineReader::frameLine() {
    Message m;
    const std::string dir = string("dir");
    if (!parseDirection(dir, m.dir)) {
        fail("\"dir\" must be \"c2s\" or \"s2c\", not " + jsonString(dir));
    }
    const std::string op = string("op");
    if (!parseOpcode(op, m.op)) {
        fail("\"op\" must be text, binary, ping, pong or close, not " + jsonString(op));
    }
    m.t_us = integer("t_us", true, 0);
    m.fwd_us = integer("fwd_us", false, -1);
    // Every reader may add a frame's time to its session's start: the sum must be a time.
    if (__builtin_add_overflow(startedUs_, m.t_us, &m.wall_us)) {
        fail("\"t_us\" " + std::to_string(m.t_us) +
             " is out of range: the frame would be past the times rtmtap holds");
    }
    // Malformed and invalid_utf8 describe the payload: the store works them out again (an edit
    // may have fixed or broken it).
    m.flags = flags(find(members_, "flags")) & ~(MessageFlag::Malformed | MessageFlag::InvalidUtf8);
    const Member* data = find(members_, "data");
    if (!data) {
        fail("\"data\" is missing");
    }
    m.payload = payload(*data, m.op);
    int64_t size = integer("size", false, static_cast<int64_t>(m.payload.size()));
    if (size < 0) {
        fail("\"size\" must not be negative");
    }
    m.size = static_cast<uint64_t>(size);
    // The seq of the frame this one replaced: an import numbers a session's frames 1, 2, 3 ... in
    // file order, as the export wrote them, so the link holds across export and import.
    m.edit_of = integer("edit_of", false, 0);
    ++frames_;
    if (m.edit_of < 0 || m.edit_of >= frames_) {
        fail("\"edit_of\" must be the number of an earlier frame of the session (1 for its first), not " +
             std::to_string(m.edit_of));
    }
    sink_.addFrame(std::move(m));
}

}  // namespace

std::string JsonlFormat::framePayload(std::string_view data, Opcode op) {
    if (data.empty()) {
        throw ImportError(0, "\"data\" is missing");
    }
    return dataPayload(data, op, "data");
}

std::string JsonlFormat::sessionLine(const SessionRow& row, const std::string& label, bool apiCalls) {
    JsonObject json;
    json.string("rtmtap", "session")
        .number("version", apiCalls ? 2 : 1)
        .number("id", row.id)
        .string("started_at", isoUtc(row.started_wall_us));
    if (row.ended_wall_us) {
        json.string("ended_at", isoUtc(*row.ended_wall_us));
    } else {
        json.null("ended_at");
    }
    json.number("duration_us", row.duration_us)
        .string("client", row.client)
        .string("upstream", row.upstream)
        .string("path", row.path)
        .stringOrNull("subprotocol", row.subprotocol)
        .raw("headers", headersOrEmpty(row.headers_json))
        .number("http_status", row.http_status ? std::optional<int64_t>(*row.http_status) : std::nullopt)
        .number("close_code", row.close_code ? std::optional<int64_t>(*row.close_code) : std::nullopt);
    if (row.close_code) {
        json.string("close_reason", row.close_reason);
    } else {
        json.null("close_reason");
    }
    json.stringOrNull("closed_by", row.closed_by).stringOrNull("error", row.error).stringOrNull("label", label);
    // Only when set: a line without them is what older builds write and read (they skip keys
    // they do not know), so the format version stays.
    if (row.replay_of.value_or(0) != 0) {
        json.number("replay_of", *row.replay_of);
    }
    if (row.derived_from.value_or(0) != 0) {
        json.number("derived_from", *row.derived_from);
    }
    return json.str();
}

std::string JsonlFormat::apiCallLine(const ApiCallRow& call) {
    return JsonObject()
        .string("rtmtap", "api_call")
        .string("started_at", isoUtc(call.started_wall_us))
        .string("method", call.method)
        .string("path", call.path)
        .number("status", call.status)
        .raw("response_headers", headersOrEmpty(call.response_headers_json))
        .raw("response_body", textData(call.response_body))
        .raw("request_headers", headersOrEmpty(call.request_headers_json))
        .raw("request_body", textData(call.request_body))
        .str();
}

std::string JsonlFormat::frameLine(const Message& m) {
    JsonObject json;
    json.number("t_us", m.t_us).string("dir", toString(m.dir)).string("op", toString(m.op)).strings(
        "flags", flagNames(m.flags));
    if (m.fwd_us >= 0) {
        json.number("fwd_us", m.fwd_us);
    }
    if (m.size != m.payload.size()) {
        json.number("size", static_cast<int64_t>(m.size));
    }
    if (m.edit_of != 0) {
        json.number("edit_of", m.edit_of);
    }
    json.raw("data", dataOf(m));
    return json.str();
}

void JsonlFormat::write(std::ostream& out, const SessionRow& row, Reader& reader,
                        const std::function<void(uint64_t)>& progress) {
    const std::vector<ApiCallRow> apiCalls = reader.sessionApiCalls(row.id);
    out << sessionLine(row, row.label, !apiCalls.empty()) << '\n';
    for (const ApiCallRow& call : apiCalls) {
        out << apiCallLine(call) << '\n';
    }
    uint64_t count = 0;
    reader.frames(row.id, [&](const FrameRow& frame) {
        out << frameLine(frame.message) << '\n';
        if (progress && ++count % 4096 == 0) {
            progress(count);
        }
        return static_cast<bool>(out);
    });
}

void JsonlFormat::read(std::istream& in, SessionSink& sink, const std::string& label,
                       const std::function<void(uint64_t)>& progress) {
    LineReader reader(sink, label);
    std::string line;
    uint64_t number = 0;
    uint64_t bytes = 0;
    while (std::getline(in, line)) {
        ++number;
        bytes += line.size() + 1;
        reader.line(line, number);
        if (progress && number % 4096 == 0) {
            progress(bytes);
        }
    }
    if (in.bad()) {
        throw ImportError(number + 1, "read error");
    }
    reader.finish(number);
    if (progress) {
        progress(bytes);
    }
}

}  // namespace rtmtap
