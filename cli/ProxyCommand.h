#pragma once
// `rtmtap proxy`: relay and record until SIGINT/SIGTERM.
#include "Color.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace rtmtap::cli {

struct ProxyOptions {
    std::string mode = "reverse";  // reverse | regular (proxy/ForwardProxy.h)
    std::vector<std::string> intercept;  // --mode regular: host globs (empty: every host)
    bool recordHttp = false;             // --mode regular: record every HTTP exchange
    std::string caDir;                   // --mode regular: rtmtap's CA (empty: the default folder)
    std::string listen = "127.0.0.1:9001";
    bool listenGiven = false;
    std::string upstream;  // empty: an embedded simulator, or the rtm.connect routes with apiUpstream
    std::string apiListen = "127.0.0.1:8081";
    std::string apiUpstream;  // http(s)://... : also proxy the HTTP API and rewrite rtm.connect answers
    bool apiListenGiven = false;
    std::string db;
    bool insecure = false;
    std::string ca;
    std::string tlsCert, tlsKey;
    uint64_t maxMessage = 16u << 20;
    uint64_t maxBuffered = 256u << 20;
    bool keepSecrets = false;
    bool noTextIndex = false;  // leave the full-text index to the first --text query
    int connectTimeoutMs = 10000;
    int handshakeTimeoutMs = 10000;
    int loops = 0;
    std::string whenBehind = "pause";  // pause | relay: what the proxy does while the recorder is behind
    int64_t dbMaxBytes = 0;  // hidden, for tests: simulate a full disk
    int exitWaitMs = 10000;  // hidden, for tests: how long a refusing database is retried at exit
    uint64_t queueLimit = 256u << 20;  // hidden, for tests: bytes the recorder holds before it is behind
    size_t maxSessions = 50000;  // live sessions and upgrades in progress; 0: no limit
    size_t maxPerAddress = 0;    // connections from one client address; 0: no limit
    std::string rules;       // --rules FILE (rules/RuleSet.h); re-read on SIGHUP
    bool lint = false;       // --lint: the lint rules over the live traffic (lint/LintTap.h)
    std::string ship;        // --ship URL: ship the recording to PostgreSQL as it grows (pg/ShipThread.h)
    std::string proxyName;   // --proxy-name: this proxy's name in the fleet database
    ColorMode color = ColorMode::Auto;  // of the --lint lines
};

// Splits "host:port", "[v6]:port" or ":port"/"port" (host 127.0.0.1). False on anything else.
bool parseListen(const std::string& text, std::string& host, uint16_t& port);

// Blocks until SIGINT/SIGTERM (SIGHUP re-reads --rules). Call it before any thread starts.
int runProxy(const ProxyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rtmtap::cli
