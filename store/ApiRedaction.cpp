#include "ApiRedaction.h"

#include "protocol/JsonStrings.h"
#include "protocol/JsonText.h"
#include "protocol/JwtClaims.h"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace rtmtap {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string headerValue(const HeaderList& headers, std::string_view name) {
    for (const auto& [n, v] : headers) {
        if (equalsIgnoreCase(n, name)) {
            return v;
        }
    }
    return {};
}

bool looksLikeJson(const std::string& body) {
    auto first = body.find_first_not_of(" \t\r\n");
    return first != std::string::npos && (body[first] == '{' || body[first] == '[');
}

// "a=1&password=x" -> "a=1&password=[redacted]"; names are compared after percent-decoding
// the obvious case ('+' or %xx are not expected in these field names, so raw comparison does).
std::string redactForm(std::string_view form) {
    std::string out;
    size_t at = 0;
    while (at <= form.size()) {
        size_t amp = form.find('&', at);
        std::string_view field = form.substr(at, amp == std::string_view::npos ? std::string_view::npos : amp - at);
        size_t eq = field.find('=');
        if (eq != std::string_view::npos && isSecretField(field.substr(0, eq))) {
            out.append(field.substr(0, eq + 1));
            out += redactJwt(field.substr(eq + 1));
        } else {
            out.append(field);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        out += '&';
        at = amp + 1;
    }
    return out;
}

std::string redactJson(const std::string& body) {
    JsonStringScan scan = scanJsonStrings(body);
    std::vector<std::pair<JsonStringMember, std::string>> replacements;
    for (const JsonStringMember& member : scan.members) {
        if (isSecretField(member.key)) {
            replacements.emplace_back(member, redactJwt(member.value));
        }
    }
    return replacements.empty() ? body : spliceJsonStrings(body, replacements);
}

}  // namespace

bool isSecretHeader(const std::string& name) {
    for (const char* secret : {"authorization", "authorizationalt", "proxy-authorization", "cookie", "set-cookie"}) {
        if (equalsIgnoreCase(name, secret)) {
            return true;
        }
    }
    return false;
}

bool isSecretField(std::string_view name) {
    for (const char* secret : {"token", "ws_token", "auth_token", "password"}) {
        if (equalsIgnoreCase(name, secret)) {
            return true;
        }
    }
    return false;
}

std::string headersJson(const HeaderList& headers) {
    std::vector<std::pair<std::string, std::string>> merged;
    for (const auto& header : headers) {
        // Not a structured binding: C++17 lets no lambda capture one (clang rejects it).
        const std::string& name = header.first;
        const std::string& shown = isSecretHeader(name) ? std::string("[redacted]") : header.second;
        auto same = std::find_if(merged.begin(), merged.end(),
                                 [&](const auto& entry) { return equalsIgnoreCase(entry.first, name); });
        if (same == merged.end()) {
            merged.emplace_back(name, shown);
        } else if (!isSecretHeader(name)) {
            same->second += ", " + shown;
        }
    }
    std::string out = "{";
    for (const auto& [name, value] : merged) {
        if (out.size() > 1) {
            out += ',';
        }
        appendJsonString(out, name);
        out += ':';
        appendJsonString(out, value);
    }
    out += '}';
    return out;
}

std::string redactApiBody(const std::string& body, const HeaderList& headers) {
    if (body.empty()) {
        return body;
    }
    if (looksLikeJson(body)) {
        return redactJson(body);
    }
    std::string type = headerValue(headers, "Content-Type");
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    if (type.empty() || type.find("application/x-www-form-urlencoded") != std::string::npos) {
        return redactForm(body);
    }
    return body;
}

std::string redactTarget(const std::string& target) {
    auto q = target.find('?');
    if (q == std::string::npos) {
        return target;
    }
    return target.substr(0, q + 1) + redactForm(std::string_view(target).substr(q + 1));
}

}  // namespace rtmtap
