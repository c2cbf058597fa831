#include "LiveSession.h"

#include "protocol/IsoTime.h"
#include "store/JsonObject.h"

#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

#include <stdexcept>

namespace rtmtap {
namespace {

int64_t intField(const Poco::JSON::Object& object, const std::string& key) {
    Poco::Dynamic::Var v = object.get(key);
    if (v.isEmpty() || !v.isInteger()) {
        throw std::runtime_error("session field '" + key + "' is missing or not an integer");
    }
    return v.convert<int64_t>();
}

std::string stringField(const Poco::JSON::Object& object, const std::string& key) {
    Poco::Dynamic::Var v = object.get(key);
    if (v.isEmpty()) {
        return "";  // null: absent
    }
    if (!v.isString()) {
        throw std::runtime_error("session field '" + key + "' is not a string");
    }
    return v.extract<std::string>();
}

}  // namespace

bool LiveSession::isUser(const std::string& user) const {
    int64_t id = 0;
    if (Poco::NumberParser::tryParse64(user, id)) {
        return user_id && *user_id == id;
    }
    return !user.empty() && user_name == user;
}

std::string LiveSession::toJson() const {
    JsonObject json;
    json.number("id", id)
        .string("started_at", formatIsoTime(started_wall_us))
        .number("started_us", started_wall_us)
        .string("client", client)
        .string("upstream", upstream)
        .string("path", path)
        .number("user_id", user_id)
        .stringOrNull("user_name", user_name)
        .number("frames_c2s", static_cast<int64_t>(frames_c2s))
        .number("frames_s2c", static_cast<int64_t>(frames_s2c))
        .number("bytes_c2s", static_cast<int64_t>(bytes_c2s))
        .number("bytes_s2c", static_cast<int64_t>(bytes_s2c));
    return json.str();
}

LiveSession LiveSession::fromJson(const Poco::JSON::Object& object) {
    LiveSession s;
    s.id = intField(object, "id");
    s.started_wall_us = intField(object, "started_us");
    s.client = stringField(object, "client");
    s.upstream = stringField(object, "upstream");
    s.path = stringField(object, "path");
    if (!object.get("user_id").isEmpty()) {
        s.user_id = intField(object, "user_id");
    }
    s.user_name = stringField(object, "user_name");
    s.frames_c2s = static_cast<uint64_t>(intField(object, "frames_c2s"));
    s.frames_s2c = static_cast<uint64_t>(intField(object, "frames_s2c"));
    s.bytes_c2s = static_cast<uint64_t>(intField(object, "bytes_c2s"));
    s.bytes_s2c = static_cast<uint64_t>(intField(object, "bytes_s2c"));
    return s;
}

}  // namespace rtmtap
