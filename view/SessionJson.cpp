#include "SessionJson.h"

#include "protocol/Utf8.h"
#include "store/JsonObject.h"
#include "store/JsonOut.h"
#include "store/Reader.h"
#include "store/SessionStats.h"

#include <Poco/JSON/Parser.h>

namespace rtmtap::view {

// The file is not trusted: stored JSON is embedded only if it really is a JSON object.
bool isJsonObject(const std::string& text) {
    if (text.empty() || text.front() != '{' || !isValidUtf8(text)) {
        return false;
    }
    try {
        Poco::JSON::Parser parser;
        return !parser.parse(text).isEmpty();
    } catch (const std::exception&) {
        return false;
    }
}

std::string sessionJson(const SessionRow& row) {
    auto optionalInt = [](const std::optional<int>& v) {
        return v ? std::optional<int64_t>(*v) : std::nullopt;
    };
    JsonObject json;
    json.number("id", row.id);
    // Only a fleet database's sessions have a source: a local file's JSON stays as it was.
    if (!row.source.empty()) {
        json.string("source", row.source);
    }
    json
        .string("started_at", isoUtc(row.started_wall_us))
        .stringOrNull("ended_at", row.ended_wall_us ? isoUtc(*row.ended_wall_us) : "")
        .number("started_us", row.started_wall_us)
        .number("ended_us", row.ended_wall_us)
        .number("duration_us", row.duration_us)
        .string("client", row.client)
        .string("upstream", row.upstream)
        .string("path", row.path)
        .stringOrNull("label", row.label)
        .number("replay_of", row.replay_of)
        .number("derived_from", row.derived_from)
        .stringOrNull("subprotocol", row.subprotocol)
        .number("http_status", optionalInt(row.http_status))
        .number("user_id", row.user_id)
        .stringOrNull("user_name", row.user_name)
        .stringOrNull("client_ip", row.client_ip)
        .stringOrNull("user_agent", row.user_agent)
        .stringOrNull("token_expiry", row.token_expiry)
        .stringOrNull("finger_print", row.finger_print)
        .number("frames", row.frames)
        .number("bytes", row.bytes)
        .number("close_code", optionalInt(row.close_code))
        .string("ending", endingLabel(endingOf(row)));
    // A close frame may carry an empty reason; without a close frame there is no reason at all.
    if (row.close_code) {
        json.string("close_reason", row.close_reason);
    } else {
        json.stringOrNull("close_reason", row.close_reason);
    }
    json.stringOrNull("closed_by", row.closed_by).stringOrNull("error", row.error);
    if (isJsonObject(row.headers_json)) {
        json.raw("headers", row.headers_json);
    } else {
        json.null("headers");
    }
    if (isJsonObject(row.claims_json)) {
        json.raw("claims", row.claims_json);
    } else {
        json.null("claims");
    }
    return json.str();
}

}  // namespace rtmtap::view
