#pragma once
// What of an HTTP API exchange is secret, and how the store hides it (docs/schema.md, api_calls):
// header values of Authorization, AuthorizationAlt, Proxy-Authorization, Cookie and Set-Cookie
// become "[redacted]"; in JSON bodies the string values of the keys token, ws_token, auth_token
// and password, and in form bodies and query strings the fields of those names, are replaced:
// a JWT keeps "header.payload." (readable claims, useless for replay, see redactJwt), anything
// else becomes "[redacted]". Bodies are changed by byte splices; the rest stays as it was sent.
#include "protocol/Session.h"

#include <string>
#include <string_view>

namespace rtmtap {

bool isSecretHeader(const std::string& name);
bool isSecretField(std::string_view name);

// A JSON object of the headers, secret values redacted; a repeated header's values are joined
// with ", " (HTTP's own rule for combining them) so that the object has no duplicate keys.
std::string headersJson(const HeaderList& headers);

// body as stored: JSON (first non-blank byte '{' or '[') by its keys, otherwise as a form when
// the Content-Type in headers is application/x-www-form-urlencoded or absent; other bodies
// (multipart, binary) are stored as they are.
std::string redactApiBody(const std::string& body, const HeaderList& headers);

// "/api/v1/rtm.connect?token=..." with the secret query fields redacted.
std::string redactTarget(const std::string& target);

}  // namespace rtmtap
