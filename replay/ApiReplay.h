#pragma once
// `rtmtap replay --api-listen`: answers the recording's API calls (user.login, rtm.connect, ...)
// as they were answered, so an unchanged web or mobile client logs in and lands in the replay.
// rtm.connect's rtm.ws_endpoint (only that string, by a byte splice) points at the replay's own
// WebSocket address. Every answer carries the CORS headers of the real API (replay/CorsHeaders),
// OPTIONS preflights included: these are answered by the replay, not from the recording, with the
// methods the recording holds for the path (the catch-all's methods for a path it does not hold).
//
// Matching a request to a recorded call: the same method and the same path with the same query
// first, else the same method and path whatever the query (the client's cursor or timestamp may
// differ). When a request matches several recorded calls they are answered in recorded order,
// the last one again once they are used up. A request the recording does not hold gets 404 with a
// JSON error body ({"meta":{"ok":false,"error":...}}) and is shown through the log callback.
#include "store/Recording.h"

#include "proxy/HttpService.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace rtmtap {

class ApiReplay {
public:
    using Log = std::function<void(const std::string& line)>;

    // Listens at once (throws Poco::Exception when the address is taken); serves after start().
    ApiReplay(const std::string& host, uint16_t port, std::vector<RecordedApiCall> calls, std::string wsUrl, Log log);
    ~ApiReplay();
    void start();
    void stop();
    uint16_t port() const { return server_->port(); }
    std::string url() const;  // http://HOST:PORT
    size_t callCount() const { return calls_.size(); }  // the recorded calls it answers (preflights not among them)

private:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    const RecordedApiCall* match(const std::string& method, const std::string& target);
    std::string bodyFor(const RecordedApiCall& call) const;

    std::string host_;
    std::vector<RecordedApiCall> calls_;
    std::string wsUrl_;
    Log log_;
    std::unique_ptr<HttpService> server_;
    std::mutex mutex_;
    std::map<std::string, size_t> used_;  // per match key: answers given so far
};

}  // namespace rtmtap
