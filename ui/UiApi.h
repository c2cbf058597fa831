#pragma once
// The viewer's JSON API under /api/ (docs/ui-api.md). Every answer comes from the code the read
// commands run (view/, store/Reader): sessions --json, query --jsonl, stats --json, tail, export.
// A request opens its own read-only Reader; nothing is kept between requests.
#include "FilterQuery.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

namespace rtmtap::ui {

struct UiApiConfig {
    std::string db;        // an absolute path: the commands to copy name it
    std::string version;   // rtmtap --version's line
    std::string listen;    // "127.0.0.1:8090"
    int tailPollMs = 250;  // how often /api/tail looks for new frames
    int keepaliveMs = 15'000;
};

class UiApi {
public:
    explicit UiApi(UiApiConfig config) : config_(std::move(config)) {}

    // path: the request's path, starting with /api/.
    void handle(const std::string& path, const QueryParams& params, Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response);
    // Ends the event streams (/api/tail) at once: the server is stopping.
    void stop();

private:
    void info(Poco::Net::HTTPServerResponse& response);
    void sessions(const QueryParams& params, Poco::Net::HTTPServerResponse& response);
    void session(int64_t id, Poco::Net::HTTPServerResponse& response);
    void frames(const QueryParams& params, Poco::Net::HTTPServerResponse& response);
    void stats(const QueryParams& params, Poco::Net::HTTPServerResponse& response);
    void exportSession(const QueryParams& params, Poco::Net::HTTPServerResponse& response);
    void tail(const QueryParams& params, Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    // Waits up to ms; true when stop() was called.
    bool pause(int ms);

    UiApiConfig config_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace rtmtap::ui
