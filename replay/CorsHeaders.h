#pragma once
// The CORS headers AirSend's API puts on every answer, OPTIONS preflights included (its
// CorsMiddleware): the web client is a page on another origin than the API, and a browser shows
// it no answer without them. The simulator's API and the replay's API side answer the same way.
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>
#include <vector>

namespace rtmtap {

class CorsHeaders {
public:
    // methods: what the route answers to, e.g. {"POST"}; OPTIONS, which every route answers, is
    // added. (The real API also lists the methods of its catch-all routes; a browser needs only
    // the ones it asked for.)
    explicit CorsHeaders(const std::vector<std::string>& methods);

    // What the real API's catch-all routes answer to (with a 404) on a path it does not serve: a
    // browser's preflight passes for any of them, so the page can read the 404 itself.
    static const std::vector<std::string>& unknownRouteMethods();

    // "POST,OPTIONS"
    const std::string& allowMethods() const { return allowMethods_; }

    // Access-Control-Allow-Origin: *, Access-Control-Allow-Methods, Access-Control-Allow-Headers
    // (the request's Access-Control-Request-Headers echoed, left out when it asked for none) and
    // Access-Control-Allow-Credentials: true.
    void apply(const Poco::Net::HTTPRequest& request, Poco::Net::HTTPResponse& response) const;

    static bool isPreflight(const Poco::Net::HTTPRequest& request);
    // The answer to a preflight, as the real API gives for any of its routes: 200, the headers
    // above, no body.
    void answerPreflight(const Poco::Net::HTTPRequest& request, Poco::Net::HTTPServerResponse& response) const;

private:
    std::string allowMethods_;
};

}  // namespace rtmtap
