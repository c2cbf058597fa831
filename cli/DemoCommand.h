#pragma once
// `rtmtap demo`: the main job on an embedded default, so a new user sees rtmtap work with no
// AirSend server at hand: an echo upstream, the proxy in front of it recording to a database,
// and a scripted RTM client talking through it; then what was recorded.
#include <ostream>
#include <string>

namespace rtmtap::cli {

struct DemoOptions {
    std::string db = "rtmtap-demo.db";
};

int runDemo(const DemoOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rtmtap::cli
