#include "UiAccess.h"

#include "protocol/SameSecret.h"

#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/RandomStream.h>
#include <Poco/URI.h>

#include <cstdio>

namespace rtmtap::ui {
namespace {


// "127.0.0.1:8090" -> "127.0.0.1", "[::1]:8090" -> "::1", "localhost" -> "localhost".
std::string hostOfHeader(const std::string& header) {
    if (!header.empty() && header.front() == '[') {
        size_t close = header.find(']');
        return close == std::string::npos ? header : header.substr(1, close - 1);
    }
    return header.substr(0, header.find(':'));
}

}  // namespace

std::string UiAccess::makeToken() {
    Poco::RandomInputStream random;
    std::string token;
    for (int i = 0; i < 16; ++i) {
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned>(static_cast<unsigned char>(random.get())));
        token += hex;
    }
    return token;
}

bool UiAccess::isLoopback(const std::string& host) {
    if (host == "localhost") {
        return true;
    }
    Poco::Net::IPAddress address;
    return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

std::optional<Refusal> UiAccess::check(const Poco::Net::HTTPServerRequest& request) const {
    if (token_.empty()) {
        if (!isLoopback(hostOfHeader(request.getHost()))) {
            return Refusal{Poco::Net::HTTPResponse::HTTP_FORBIDDEN,
                           "rtmtap ui answers only requests to a loopback name (Host: 127.0.0.1, localhost or [::1])"};
        }
        return std::nullopt;
    }
    if (!hasToken(request)) {
        return Refusal{Poco::Net::HTTPResponse::HTTP_UNAUTHORIZED,
                       "rtmtap ui needs its token: open the URL it printed at start (?token=...)"};
    }
    return std::nullopt;
}

void UiAccess::grant(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const {
    if (token_.empty() || tokenInQuery(request).empty()) {
        return;
    }
    Poco::Net::HTTPCookie cookie(kCookie, token_);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_STRICT);
    response.addCookie(cookie);
}

std::string UiAccess::tokenInQuery(const Poco::Net::HTTPServerRequest& request) const {
    try {
        for (const auto& [name, value] : Poco::URI(request.getURI()).getQueryParameters()) {
            if (name == "token") {
                return value;
            }
        }
    } catch (const Poco::Exception&) {
        // an unparseable URI brings no token; the API answers it 400
    }
    return "";
}

bool UiAccess::hasToken(const Poco::Net::HTTPServerRequest& request) const {
    if (sameSecret(tokenInQuery(request), token_)) {
        return true;
    }
    const std::string auth = request.get("Authorization", "");
    if (auth.rfind("Bearer ", 0) == 0 && sameSecret(auth.substr(7), token_)) {
        return true;
    }
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return sameSecret(cookies.get(kCookie, ""), token_);
}

}  // namespace rtmtap::ui
