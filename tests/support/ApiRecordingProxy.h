#pragma once
// `rtmtap proxy --api-upstream` as a child process on free loopback ports, recording into db:
// what a client of a simulator (SimulateProcess) or a browser page is pointed at.
#include "Process.h"

#include <cstdint>
#include <string>

namespace rtmtap::test {

class ApiRecordingProxy {
public:
    ApiRecordingProxy(const std::string& apiUpstream, const std::string& db);

    bool started() const { return wsPort_ != 0 && !api_.empty(); }
    const std::string& api() const { return api_; }  // the proxy's API side, http://127.0.0.1:PORT
    uint16_t wsPort() const { return wsPort_; }        // its WebSocket side
    Process& process() { return process_; }
    std::string output() const { return process_.out() + process_.err(); }  // for failure messages
    // SIGINT: every record is committed when it has exited; how it ended.
    ExitStatus stop();

private:
    Process process_;
    std::string api_;
    uint16_t wsPort_ = 0;
};

}  // namespace rtmtap::test
