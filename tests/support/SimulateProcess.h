#pragma once
// `rtmtap simulate` as a child process on free loopback ports (--listen and --api-listen
// 127.0.0.1:0), for the tests that run the real binaries together: its API and WebSocket URLs as
// its ready line says them.
#include "Process.h"

#include <string>
#include <vector>

namespace rtmtap::test {

class SimulateProcess {
public:
    // args: more options (--seed 5 --flavor real ...); without --seed the seed is 7.
    explicit SimulateProcess(const std::vector<std::string>& args = {});

    bool started() const { return !api_.empty() && !ws_.empty(); }
    const std::string& api() const { return api_; }  // http://127.0.0.1:PORT
    const std::string& ws() const { return ws_; }    // ws://127.0.0.1:PORT
    Process& process() { return process_; }
    std::string output() const { return process_.out() + process_.err(); }  // for failure messages

private:
    Process process_;
    std::string api_, ws_;
};

}  // namespace rtmtap::test
