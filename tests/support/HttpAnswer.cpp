#include "HttpAnswer.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/StreamCopier.h>

namespace rtmtap::test {

HttpAnswer sendFromPage(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& target,
                        const HeaderPairs& headers, const std::string& body, bool keepAlive) {
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (keepAlive) {
        req.setKeepAlive(true);
    }
    req.set("Origin", "http://127.0.0.1:1");
    for (const auto& [name, value] : headers) {
        req.set(name, value);
    }
    if (!body.empty()) {
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    HttpAnswer a;
    Poco::StreamCopier::copyToString(session.receiveResponse(a.head), a.body);
    a.status = a.head.getStatus();
    return a;
}

}  // namespace rtmtap::test
