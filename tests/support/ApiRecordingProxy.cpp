#include "ApiRecordingProxy.h"

#include <csignal>
#include <vector>

namespace rtmtap::test {

ApiRecordingProxy::ApiRecordingProxy(const std::string& apiUpstream, const std::string& db)
    : process_(std::vector<std::string>{"proxy", "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0",
                                        "--api-upstream", apiUpstream, "--db", db}) {
    wsPort_ = process_.waitForListening(30000);
    api_ = process_.waitForMatch(std::regex(R"(, API (http://127\.0\.0\.1:\d+) -> )"));
}

ExitStatus ApiRecordingProxy::stop() {
    process_.signal(SIGINT);
    return process_.waitExit(20000);
}

}  // namespace rtmtap::test
