#pragma once
// `rtmtap demo`: the whole login flow on one machine. An embedded AirSend simulator, the proxy in
// front of it (HTTP API and WebSocket), and three scripted clients that log in through the proxy
// for about ten seconds while the terminal shows the traffic live; then what was recorded.
#include <ostream>
#include <string>

namespace rtmtap::cli {

struct DemoOptions {
    std::string db = "rtmtap-demo.db";
    int seconds = 10;
    int clients = 3;
    bool quiet = false;  // no live lines (tests)
};

int runDemo(const DemoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rtmtap::cli
