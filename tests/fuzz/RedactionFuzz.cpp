// store/ApiRedaction (what of an API call is stored: bodies, query strings, headers) and
// redactJwt, on any bytes. Input: byte 0 picks the Content-Type, the rest is split at NUL bytes
// into body, target, then header name/value pairs.
// Checks: after redaction no secret field keeps a value other than "[redacted]" or a JWT cut to
// "header.payload." (base64url and dots only); a JSON body stays valid exactly when it was, with
// the same members at the same paths; a form keeps its field count; the target's path is kept;
// headersJson is valid JSON, each name once, secret header values redacted.
#include "protocol/JsonStrings.h"
#include "protocol/JwtClaims.h"
#include "store/ApiRedaction.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace rtmtap;

namespace {

bool redactedValue(std::string_view value) {
    if (value == "[redacted]") {
        return true;
    }
    const bool alphabet = std::all_of(value.begin(), value.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == '=';  // '=': a padded part still counts as a JWT's (redactJwt)
    });
    return alphabet && std::count(value.begin(), value.end(), '.') == 2 && !value.empty() && value.back() == '.';
}

void checkForm(std::string_view original, std::string_view redacted) {
    FUZZ_CHECK(std::count(original.begin(), original.end(), '&') == std::count(redacted.begin(), redacted.end(), '&'));
    size_t at = 0;
    while (at <= redacted.size()) {
        const size_t amp = std::min(redacted.find('&', at), redacted.size());
        const std::string_view field = redacted.substr(at, amp - at);
        const size_t eq = field.find('=');
        if (eq != std::string_view::npos && isSecretField(field.substr(0, eq))) {
            FUZZ_CHECK(redactedValue(field.substr(eq + 1)));
        }
        at = amp + 1;
    }
}

void checkJson(const std::string& body, const std::string& redacted) {
    const JsonStringScan before = scanJsonStrings(body);
    const JsonStringScan after = scanJsonStrings(redacted);
    FUZZ_CHECK(after.valid == before.valid);
    FUZZ_CHECK(after.members.size() >= before.members.size() || !before.valid);
    if (!before.valid) {
        return;  // members after the first error are neither found nor redacted
    }
    FUZZ_CHECK(after.members.size() == before.members.size());
    for (size_t i = 0; i < after.members.size(); ++i) {
        FUZZ_CHECK(after.members[i].path == before.members[i].path);
        if (isSecretField(after.members[i].key)) {
            FUZZ_CHECK(redactedValue(after.members[i].value));
        } else {
            FUZZ_CHECK(after.members[i].value == before.members[i].value);
        }
    }
}

const char* const kTypes[] = {"", "application/x-www-form-urlencoded; charset=UTF-8", "application/json", "text/plain"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    std::vector<std::string> parts(1);
    for (size_t i = 1; i < size; ++i) {
        if (data[i] == 0) {
            parts.emplace_back();
        } else {
            parts.back() += static_cast<char>(data[i]);
        }
    }
    const std::string& body = parts[0];
    const std::string target = parts.size() > 1 ? parts[1] : "/api/v1/rtm.connect?token=a.b.c";
    HeaderList headers;
    const char* type = kTypes[data[0] % 4];
    if (*type != '\0') {
        headers.emplace_back("Content-Type", type);
    }
    for (size_t i = 2; i + 1 < parts.size(); i += 2) {
        headers.emplace_back(parts[i], parts[i + 1]);
    }

    const std::string redacted = redactApiBody(body, headers);
    const size_t first = body.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (body[first] == '{' || body[first] == '[')) {
        checkJson(body, redacted);
    } else if (data[0] % 4 <= 1 && !body.empty()) {
        checkForm(body, redacted);
    } else {
        FUZZ_CHECK(redacted == body);
    }

    const std::string shownTarget = redactTarget(target);
    const size_t q = target.find('?');
    FUZZ_CHECK(shownTarget.compare(0, q == std::string::npos ? shownTarget.size() : q + 1, target, 0,
                                   q == std::string::npos ? target.size() : q + 1) == 0);
    if (q != std::string::npos) {
        checkForm(std::string_view(target).substr(q + 1), std::string_view(shownTarget).substr(q + 1));
    }

    const std::string json = headersJson(headers);
    FUZZ_CHECK(fuzz::validJson(json));
    for (const JsonStringMember& m : scanJsonStrings(json).members) {
        if (isSecretHeader(m.key)) {
            FUZZ_CHECK(m.value == "[redacted]");
        }
    }
    FUZZ_CHECK(redactedValue(redactJwt(body)));
    return 0;
}
