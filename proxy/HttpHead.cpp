#include "HttpHead.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA1Engine.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <chrono>
#include <sstream>

namespace rtmtap {

int64_t monotonicNowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

namespace {

int remainingMs(int64_t deadlineUs) {
    int64_t left = (deadlineUs - monotonicNowUs()) / 1000;
    return left < 1 ? 1 : static_cast<int>(left);
}

}  // namespace

ssize_t readBefore(Transport& io, char* buf, size_t len, int64_t deadlineUs) {
    if (monotonicNowUs() >= deadlineUs) {
        return Transport::WouldBlock;
    }
    io.setBlocking(true, remainingMs(deadlineUs));
    return io.read(buf, len);
}

HeadRead readHttpHead(Transport& io, int64_t deadlineUs, size_t limit) {
    HeadRead out;
    std::string buf;
    char chunk[4096];
    for (;;) {
        ssize_t n = readBefore(io, chunk, sizeof(chunk), deadlineUs);
        if (n == Transport::WouldBlock) {
            out.status = HeadRead::Timeout;
            return out;
        }
        if (n == 0) {
            out.status = HeadRead::Closed;
            return out;
        }
        if (n < 0) {
            out.status = HeadRead::Failed;
            return out;
        }
        const size_t searched = buf.size();
        buf.append(chunk, static_cast<size_t>(n));
        size_t end = findHeadEnd(buf, searched);
        if (end != std::string::npos) {
            out.head = buf.substr(0, end);
            out.rest = buf.substr(end);
            out.status = HeadRead::Ok;
            return out;
        }
        if (buf.size() > limit) {
            out.status = HeadRead::TooLarge;
            return out;
        }
    }
}

size_t findHeadEnd(const std::string& buf, size_t searchFrom) {
    // The blank line may straddle what was searched before and what came since.
    const size_t end = buf.find("\r\n\r\n", searchFrom >= 3 ? searchFrom - 3 : 0);
    return end == std::string::npos ? end : end + 4;
}

bool couldBeHttpRequest(const std::string& start) {
    static const std::string tokenPunctuation = "!#$%&'*+-.^_`|~";
    static const char* const space = " \t\r\n\v\f";  // Poco::Ascii::isSpace, which its parser uses
    const size_t begin = start.find_first_not_of(space);  // POCO skips white space before the method
    if (begin == std::string::npos) {
        return true;
    }
    for (size_t i = begin; i < start.size(); ++i) {
        const char c = start[i];
        if (c != '\0' && std::strchr(space, c) != nullptr) {
            return true;  // the method is complete; the rest is POCO's to judge
        }
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        const bool token = alnum || (c != '\0' && tokenPunctuation.find(c) != std::string::npos);
        if (!token || i - begin >= 32) {
            return false;
        }
    }
    return true;
}

std::string readSome(Transport& io, size_t limit, int64_t deadlineUs, const std::string& already) {
    std::string body = already.substr(0, limit);
    char chunk[4096];
    while (body.size() < limit) {
        ssize_t n = readBefore(io, chunk, std::min(sizeof(chunk), limit - body.size()), deadlineUs);
        if (n <= 0) {
            break;
        }
        body.append(chunk, static_cast<size_t>(n));
    }
    return body;
}

bool writeAll(Transport& io, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = io.write(bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

std::string simpleResponse(int status, const std::string& reason, const std::string& line,
                           const std::string& extraHeaders) {
    std::string body = line + "\n";
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body;
}

bool hasHeaderToken(const std::string& value, const std::string& token) {
    Poco::StringTokenizer tokens(value, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& t : tokens) {
        if (Poco::icompare(t, token) == 0) {
            return true;
        }
    }
    return false;
}

bool requestHasBody(const Poco::Net::HTTPRequest& request) {
    return request.hasContentLength() || request.has("Transfer-Encoding");
}

int headStatus(const std::string& head) {
    size_t at = head.find_first_not_of(" \t\r\n");
    at = at == std::string::npos ? at : head.find_first_of(" \t\r\n", at);  // past the version
    at = at == std::string::npos ? at : head.find_first_not_of(" \t", at);
    if (at == std::string::npos || head.size() - at < 3) {
        return -1;
    }
    int status = 0;
    for (size_t i = at; i < at + 3; ++i) {
        if (head[i] < '0' || head[i] > '9') {
            return -1;
        }
        status = status * 10 + (head[i] - '0');
    }
    const bool ends = head.size() == at + 3 || head[at + 3] == ' ' || head[at + 3] == '\t' || head[at + 3] == '\r';
    return ends ? status : -1;
}

size_t responseBodyLimit(const Poco::Net::HTTPResponse& response, size_t limit) {
    const std::string text = response.get("Content-Length", "");  // a copy: get() returns its default by reference
    uint64_t length = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
        return limit;
    }
    return static_cast<size_t>(std::min<uint64_t>(length, limit));
}

std::optional<UpgradeRefusal> checkUpgradeRequest(const Poco::Net::HTTPRequest& request, const std::string& self) {
    UpgradeRefusal refusal;
    if (request.getMethod() != "GET" || Poco::icompare(request.get("Upgrade", ""), "websocket") != 0 ||
        !hasHeaderToken(request.get("Connection", ""), "upgrade")) {
        refusal.line = "rtmtap: this is a " + self + ": send GET with Upgrade: websocket and Connection: Upgrade";
        return refusal;
    }
    if (request.get("Sec-WebSocket-Version", "") != "13") {
        refusal.status = 426;
        refusal.reason = "Upgrade Required";
        refusal.line = "rtmtap: only WebSocket version 13 is supported";
        refusal.extraHeaders = "Sec-WebSocket-Version: 13\r\n";
        return refusal;
    }
    if (request.get("Sec-WebSocket-Key", "").empty()) {
        refusal.line = "rtmtap: missing Sec-WebSocket-Key";
        return refusal;
    }
    return std::nullopt;
}

std::string computeWebSocketAccept(const std::string& key) {
    Poco::SHA1Engine sha1;
    sha1.update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    const Poco::DigestEngine::Digest& digest = sha1.digest();
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
    encoder.close();
    return out.str();
}

}  // namespace rtmtap
