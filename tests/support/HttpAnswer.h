#pragma once
// One HTTP request as a browser page on another origin sends it (an Origin header, a body only
// when given), and its whole answer: for the tests of the simulator's and the replay's API sides.
#include "TestClient.h"  // HeaderPairs

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>

#include <string>

namespace rtmtap::test {

struct HttpAnswer {
    int status = 0;
    Poco::Net::HTTPResponse head;
    std::string body;
};

// keepAlive: ask to keep session's connection open for the next request.
HttpAnswer sendFromPage(Poco::Net::HTTPClientSession& session, const std::string& method, const std::string& target,
                        const HeaderPairs& headers, const std::string& body, bool keepAlive);

}  // namespace rtmtap::test
