#pragma once
// `rtmtap replay`: its options, shared by the two ways it plays a recording (serving the server
// side to a client under test, ReplayServe; re-sending the client side to a server, --to).
#include "Color.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap::cli {

struct ReplayOptions {
    std::string source;              // a session id in --db, or a JSONL or HAR file
    std::string db;
    std::optional<int> position;     // --session N: which WebSocket session of a file
    std::string listen = "127.0.0.1:9002";
    std::string apiListen;
    double speed = 1.0;
    bool noTiming = false;
    bool step = false;
    std::optional<int64_t> from;
    bool reactive = false;
    bool loop = false;
    bool record = false;
    bool expect = false;
    bool json = false;
    double duration = 0;             // seconds; 0: not given
    int authTimeoutMs = 30000;
    ColorMode color = ColorMode::Auto;
    std::string patch;               // --patch: a rules file the recording is patched with first
    // Re-sending to a server (--to).
    std::string to, token, api, user, password;
    int clients = 1;
    std::vector<std::string> ignore;
    int reactiveTimeoutMs = 5000;
    int timeoutMs = 10000;
};

}  // namespace rtmtap::cli
