// A request to the proxy in --mode regular as ForwardProxy reads it: the head (readHttpHead over a
// transport that delivers the bytes in pieces), Poco's parse, the request target
// (ProxyTarget::parse: CONNECT's authority, absolute or origin form) and the body
// (readRequestBody: Content-Length or chunked), each with the errors the proxy catches.
// Input: byte 0 = the size of each read (1-256); the rest is what the client sends.
#include "proxy/HttpBodyReader.h"
#include "proxy/HostName.h"
#include "proxy/HttpHead.h"
#include "proxy/ProxyTarget.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/PieceTransport.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <sstream>
#include <stdexcept>
#include <string>

using namespace rtmtap;

namespace {

constexpr size_t kLimit = 64 * 1024;

void checkTarget(const ProxyTarget& t, const std::string& method) {
    switch (t.form) {
        case ProxyTarget::Form::Authority: {
            FUZZ_CHECK(method == "CONNECT");
            FUZZ_CHECK(isValidHost(t.host) && t.port > 0 && t.target.empty());
            // What the proxy connects to reads back the same.
            const ProxyTarget again = ProxyTarget::parse("CONNECT", t.authority());
            FUZZ_CHECK(again.host == t.host && again.port == t.port);
            break;
        }
        case ProxyTarget::Form::Absolute:
            FUZZ_CHECK(isValidHost(t.host) && t.port > 0);
            FUZZ_CHECK(!t.target.empty() && t.target[0] == '/');
            break;
        case ProxyTarget::Form::Origin:
            FUZZ_CHECK(t.host.empty() && (t.target[0] == '/' || t.target == "*"));
            break;
    }
}

void checkBody(PieceTransport& io, const Poco::Net::HTTPRequest& request, const std::string& rest,
               const std::string& sent) {
    const BodyRead body = readRequestBody(io, request, rest, kLimit, monotonicNowUs() + 10'000'000);
    if (body.status != BodyRead::Ok) {
        FUZZ_CHECK(!body.error.empty() && body.error.find('\n') == std::string::npos);
        FUZZ_CHECK(body.status != BodyRead::Timeout);  // the transport never stalls
        return;
    }
    FUZZ_CHECK(body.body.size() <= kLimit);
    // Nothing after the body is lost: what was read past it comes just before what is still unread.
    const size_t end = sent.size() - io.remaining();
    FUZZ_CHECK(end >= body.rest.size() && sent.compare(end - body.rest.size(), body.rest.size(), body.rest) == 0);
    if (!request.has("Transfer-Encoding")) {
        FUZZ_CHECK(std::to_string(body.body.size()) == request.get("Content-Length", "0") ||
                   (request.get("Content-Length", "0").find_first_not_of('0') == std::string::npos && body.body.empty()));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const size_t piece = 1 + data[0];
    const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    PieceTransport io(bytes, piece);
    const HeadRead head = readHttpHead(io, monotonicNowUs() + 10'000'000, kMaxRequestHead);
    if (head.status != HeadRead::Ok) {
        return 0;
    }
    Poco::Net::HTTPRequest request;
    ProxyTarget target;
    try {
        std::istringstream in(head.head);
        request.read(in);
        target = ProxyTarget::parse(request.getMethod(), request.getURI());
    } catch (const Poco::Exception&) {
        return 0;  // 400
    } catch (const std::invalid_argument& e) {
        FUZZ_CHECK(std::string(e.what()).find('\n') == std::string::npos);
        return 0;  // 400, one line
    }
    checkTarget(target, request.getMethod());
    if (target.form != ProxyTarget::Form::Authority) {
        checkBody(io, request, head.rest, bytes);
    }
    return 0;
}
