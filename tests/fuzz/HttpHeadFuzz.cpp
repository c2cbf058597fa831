// The HTTP upgrade head as the proxy's handshake reads it (proxy/PendingHandshake, Handshake): readHttpHead
// over a transport that delivers the bytes in pieces, then Poco's parse of a request (the client's
// upgrade: checkUpgradeRequest, the /_rtmtap/<n> route split, Connection tokens, requestHasBody)
// or of a response (the upstream's answer: status, responseBodyLimit of a refusal, the 101's
// headers), each step as the handshake takes it, with the same exceptions caught.
// Input: byte 0 = bit 0: a response (else a request), bits 1-7: the size of each read (1-128);
// the rest is what the peer sends.
#include "proxy/EndpointRoutes.h"
#include "proxy/HttpHead.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/PieceTransport.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <string>

using namespace rtmtap;

namespace {


void request(const HeadRead& head) {
    Poco::Net::HTTPRequest request;
    try {
        std::istringstream in(head.head);
        request.read(in);
    } catch (const Poco::Exception&) {
        return;  // 400
    }
    if (auto routed = EndpointRoutes::split(request.getURI())) {
        FUZZ_CHECK(!routed->target.empty() && routed->target[0] == '/');
    }
    const auto refusal = checkUpgradeRequest(request, "WebSocket proxy");
    if (!refusal) {
        FUZZ_CHECK(request.getMethod() == "GET" && hasHeaderToken(request.get("Connection", ""), "upgrade"));
        // The handshake loop answers 400 early to what cannot begin a request: never to a part
        // of a valid upgrade, whichever way it arrives in pieces (past its method, any prefix is).
        const size_t method = head.head.find_first_not_of(" \t\r\n\v\f");
        for (size_t n = 0; n <= std::min(head.head.size(), method + 40); ++n) {
            FUZZ_CHECK(couldBeHttpRequest(head.head.substr(0, n)));
        }
        FUZZ_CHECK(!computeWebSocketAccept(request.get("Sec-WebSocket-Key", "")).empty());
    } else {
        FUZZ_CHECK(refusal->line.find('\n') == std::string::npos);
    }
    Poco::StringTokenizer tokens(request.get("Connection", ""), ",",
                                 Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& t : tokens) {
        FUZZ_CHECK(hasHeaderToken(request.get("Connection", ""), t));
    }
    (void)requestHasBody(request);
}

void response(const HeadRead& head) {
    Poco::Net::HTTPResponse response;
    try {
        std::istringstream in(head.head);
        response.read(in);
    } catch (const Poco::Exception&) {
        return;  // 502
    }
    const int status = headStatus(head.head);
    FUZZ_CHECK(status >= -1 && status <= 999);
    if (status < 0) {
        return;  // 502
    }
    if (status != 101) {
        FUZZ_CHECK(responseBodyLimit(response, 1u << 20) <= 1u << 20);
        return;
    }
    (void)Poco::icompare(response.get("Upgrade", ""), "websocket");
    (void)hasHeaderToken(response.get("Connection", ""), "upgrade");
    (void)response.get("Sec-WebSocket-Accept", "");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const bool isResponse = data[0] & 1;
    const size_t piece = 1 + (data[0] >> 1);
    const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    PieceTransport io(bytes, piece);
    const size_t limit = isResponse ? 64 * 1024 : 16 * 1024;
    const HeadRead head = readHttpHead(io, monotonicNowUs() + 10'000'000, limit);
    if (head.status != HeadRead::Ok) {
        FUZZ_CHECK(head.status == HeadRead::Closed || head.status == HeadRead::TooLarge);
        FUZZ_CHECK(head.status != HeadRead::Closed || bytes.find("\r\n\r\n") == std::string::npos);
        return 0;
    }
    // The head ends at the first blank line, and nothing that came is lost.
    FUZZ_CHECK(head.head.size() >= 4 && head.head.compare(head.head.size() - 4, 4, "\r\n\r\n") == 0);
    FUZZ_CHECK(head.head.find("\r\n\r\n") == head.head.size() - 4);
    FUZZ_CHECK(bytes.compare(0, head.head.size() + head.rest.size(), head.head + head.rest) == 0);
    FUZZ_CHECK(head.head.size() <= limit + 4 + 128);
    if (isResponse) {
        response(head);
    } else {
        request(head);
    }
    return 0;
}
