#include "ProxyCommand.h"

#include "Commands.h"
#include "LiveFindings.h"
#include "ProxyRules.h"
#include "StopSignals.h"
#include "control/ControlServer.h"
#include "control/LiveSessions.h"
#include "lint/LintTap.h"
#include "pg/PgConnection.h"
#include "pg/ShipThread.h"
#include "proxy/ApiProxy.h"
#include "proxy/CertAuthority.h"
#include "proxy/EndpointRoutes.h"
#include "proxy/OpenFileLimit.h"
#include "proxy/Proxy.h"
#include "proxy/TlsContext.h"
#include "replay/Simulator.h"
#include "store/Recorder.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <mutex>
#include <unistd.h>
#include <vector>

namespace rtmtap::cli {

bool parseListen(const std::string& text, std::string& host, uint16_t& port) {
    std::string portText = text;
    host = "127.0.0.1";
    if (!text.empty() && text[0] == '[') {
        auto close = text.find("]:");
        if (close == std::string::npos) {
            return false;
        }
        host = text.substr(1, close - 1);
        portText = text.substr(close + 2);
    } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
        if (text.find(':') != colon) {
            return false;  // a bare IPv6 address needs brackets
        }
        if (colon > 0) {
            host = text.substr(0, colon);
        }
        portText = text.substr(colon + 1);
    }
    unsigned value = 0;
    if (!Poco::NumberParser::tryParseUnsigned(portText, value) || value > 65535) {
        return false;
    }
    port = static_cast<uint16_t>(value);
    return true;
}

namespace {

std::unique_ptr<Simulator> startEmbeddedSimulator() {
    SimulatorConfig sim;
    sim.wsPort = 0;
    sim.apiPort = 0;
    auto simulator = std::make_unique<Simulator>(sim);
    simulator->start();
    return simulator;
}

std::string times(uint64_t n) {
    return n == 1 ? "once" : std::to_string(n) + " times";
}

void printSummary(const ProxyStats& proxy, const RecorderStats& stats, std::ostream& err) {
    err << "rtmtap: stopped: " << proxy.sessionsAccepted << " connections, " << stats.recordsWritten
        << " records written";
    if (stats.framesNotRecorded) {
        err << ", " << stats.framesNotRecorded << " frames (" << stats.bytesNotRecorded
            << " bytes) relayed but NOT recorded while the recorder was behind (" << stats.gaps
            << " gaps: rtmtap stats lists them)";
    } else if (stats.timesBehind) {
        err << ", the recorder fell behind " << times(stats.timesBehind) << " (the sending sessions waited)";
    }
    if (stats.writeStalls) {
        err << ", the database refused writes " << times(stats.writeStalls) << " (the records waited)";
    }
    if (stats.recordsLost) {
        err << ", " << stats.recordsLost << " records NOT written";
    }
    err << std::endl;
}

// The exit summary's line for --lint: what it found, and what it could not lint live.
void printLintSummary(const LintTapStats& lint, std::ostream& err) {
    err << "rtmtap: --lint: " << lint.findings << (lint.findings == 1 ? " finding" : " findings") << " in "
        << lint.framesLinted << " frames";
    if (lint.framesSkipped || lint.sessionsDropped) {
        err << "; " << lint.framesSkipped << " frames of " << lint.sessionsDropped
            << " sessions NOT linted live (rtmtap lint checks them from the recording)";
    }
    err << std::endl;
}

// --mode regular: rtmtap's CA, made on first use. Throws with one line.
std::shared_ptr<CertAuthority> openAuthority(const ProxyOptions& options, std::ostream& err) {
    const std::string dir = options.caDir.empty() ? CertAuthority::defaultDir() : options.caDir;
    bool created = false;
    std::shared_ptr<CertAuthority> ca = CertAuthority::loadOrCreate(dir, created);
    if (created) {
        err << "rtmtap: made a CA for --mode regular in " << dir << ": clients must trust " << ca->certPath()
            << " (rtmtap ca show says how)" << std::endl;
    }
    ca->leafFor("localhost");  // makes the key all leaves share now, not while the first client waits
    return ca;
}

// --ship: the shipper thread's lines and the exit summary go to stderr whole, never interleaved.
void shipLine(std::ostream& err, const std::string& line) {
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    err << line << std::endl;
}

std::unique_ptr<pg::ShipThread> startShipping(const ProxyOptions& options, std::ostream& err) {
    if (options.ship.empty()) {
        return nullptr;
    }
    pg::ShipperOptions ship;
    ship.dbPath = options.db;
    ship.url = options.ship;
    ship.proxyName = options.proxyName;
    return std::make_unique<pg::ShipThread>(ship, [&err](const std::string& line) { shipLine(err, line); });
}

// After the recorder closed: the last frames get a few seconds to reach the server.
void stopShipping(pg::ShipThread& shipping, const ProxyOptions& options, std::ostream& err) {
    shipping.stop(5000);
    shipLine(err, "rtmtap: --ship: " + std::to_string(shipping.totals().frames) + " frames shipped to " +
                      pg::PgConnection::redacted(options.ship));
}

std::string joinHosts(const std::vector<std::string>& hosts) {
    std::string out;
    for (const auto& h : hosts) {
        out += (out.empty() ? "" : " ") + h;
    }
    return out;
}

}  // namespace

int runProxy(const ProxyOptions& options, std::ostream& out, std::ostream& err) {
    // Before any thread starts: every one inherits the mask, so the signal reaches only wait().
    StopSignals signals(!options.rules.empty());
    raiseOpenFileLimit();  // a session holds two descriptors: the usual 1024 is far too few
    ProxyConfig config;
    std::shared_ptr<CertAuthority> authority;  // --mode regular
    const bool regular = options.mode == "regular";
    const std::string listen = regular && !options.listenGiven ? "127.0.0.1:8080" : options.listen;
    if (!parseListen(listen, config.listenHost, config.listenPort)) {
        err << "rtmtap: invalid --listen '" << listen << "' (use HOST:PORT, e.g. 127.0.0.1:9001)" << std::endl;
        return 2;
    }
    if (regular) {
        if (!options.upstream.empty() || !options.apiUpstream.empty() || options.apiListenGiven) {
            err << "rtmtap: --mode regular takes no --upstream, --api-upstream or --api-listen: clients name their "
                   "servers, rtmtap is their HTTP proxy"
                << std::endl;
            return 2;
        }
        config.mode = ProxyMode::Regular;
        config.intercept = options.intercept;
        config.recordHttp = options.recordHttp;
        try {
            authority = openAuthority(options, err);
            config.interceptTls = TlsContext::intercepting(authority);
        } catch (const std::exception& e) {
            err << "rtmtap: " << e.what() << std::endl;
            return 2;
        }
    } else if (!options.intercept.empty() || options.recordHttp || !options.caDir.empty()) {
        err << "rtmtap: --intercept, --record-http and --ca-dir belong to --mode regular" << std::endl;
        return 2;
    }
    if (!options.ship.empty() && !pg::PgConnection::isUrl(options.ship)) {
        err << "rtmtap: --ship takes a PostgreSQL URL (postgresql://HOST/DATABASE), not '"
            << pg::PgConnection::redacted(options.ship) << "'" << std::endl;
        return 2;
    }
    if (!options.proxyName.empty() && options.ship.empty()) {
        err << "rtmtap: --proxy-name names this proxy in the database --ship sends to: give --ship too" << std::endl;
        return 2;
    }
    config.upstream = options.upstream;
    config.insecure = options.insecure;
    config.caFile = options.ca;
    config.tlsCert = options.tlsCert;
    config.tlsKey = options.tlsKey;
    config.maxMessage = options.maxMessage;
    config.maxBuffered = options.maxBuffered;
    config.connectTimeoutMs = options.connectTimeoutMs;
    config.handshakeTimeoutMs = options.handshakeTimeoutMs;
    config.loops = options.loops;
    config.maxSessions = options.maxSessions;
    config.maxPerAddress = options.maxPerAddress;
    std::unique_ptr<ProxyRules> rules;
    if (!options.rules.empty()) {
        // Before the database: a file that does not read creates nothing.
        try {
            rules = std::make_unique<ProxyRules>(options.rules, err);
        } catch (const std::exception& e) {
            err << "rtmtap: " << e.what() << std::endl;
            return 2;
        }
        config.filters = rules->filters();
        err << "rtmtap: rules " << options.rules << ": " << rules->size() << " rules (SIGHUP re-reads the file)"
            << std::endl;
    }
    ApiProxyConfig apiConfig;
    std::unique_ptr<Simulator> simulator;
    std::string apiUpstream = options.apiUpstream;
    if (config.upstream.empty() && apiUpstream.empty() && !regular) {
        // No AirSend at hand: run in front of an embedded simulator, API and WebSocket both.
        try {
            simulator = startEmbeddedSimulator();
        } catch (const std::exception& e) {
            err << "rtmtap: cannot start the embedded simulator: " << e.what() << std::endl;
            return 2;
        }
        config.upstream = simulator->wsUrl();
        apiUpstream = simulator->apiUrl();
    }
    if (!apiUpstream.empty()) {
        if (!parseListen(options.apiListen, apiConfig.listenHost, apiConfig.listenPort)) {
            err << "rtmtap: invalid --api-listen '" << options.apiListen << "' (use HOST:PORT, e.g. 127.0.0.1:8081)"
                << std::endl;
            return 2;
        }
        apiConfig.upstream = apiUpstream;
        apiConfig.insecure = options.insecure;
        apiConfig.caFile = options.ca;
        apiConfig.timeoutMs = std::max(options.connectTimeoutMs, 30000);
        apiConfig.routes = config.routes = std::make_shared<EndpointRoutes>();
    } else if (options.apiListenGiven) {
        err << "rtmtap: --api-listen needs --api-upstream (the AirSend HTTP API to forward to, e.g. "
               "http://127.0.0.1:8080)"
            << std::endl;
        return 2;
    }
    try {
        RecorderOptions recorderOptions;
        recorderOptions.dbPath = options.db;
        recorderOptions.keepSecrets = options.keepSecrets;
        recorderOptions.textIndex = !options.noTextIndex;
        recorderOptions.maxDbBytes = options.dbMaxBytes;
        recorderOptions.exitWaitMs = options.exitWaitMs;
        recorderOptions.queueLimitBytes = options.queueLimit;
        recorderOptions.whenBehind = options.whenBehind == "relay" ? WhenBehind::Relay : WhenBehind::Pause;
        // Validate the upstream before touching the database, so a typo creates no file.
        Proxy probe(config, {});
        (void)probe;
        if (config.routes) {
            ApiProxy apiProbe(apiConfig, {});
            (void)apiProbe;
        }
        Recorder recorder(recorderOptions);
        std::unique_ptr<ApiProxy> api;  // after the recorder: stopped before it closes
        LiveSessions live;
        std::vector<Tap*> taps{&recorder, &live};
        // After the recorder (it stores what lint finds), before the proxy (its relays call it).
        std::unique_ptr<LiveFindings> findings;
        std::unique_ptr<LintTap> lint;
        if (options.lint) {
            findings = std::make_unique<LiveFindings>(recorder, out, err,
                                                      Palette(colorEnabled(options.color, STDOUT_FILENO)));
            lint = std::make_unique<LintTap>(*findings);
            taps.push_back(lint.get());
        }
        Proxy proxy(config, taps, recorder.nextSessionId());
        proxy.start();
        // Off the relay's path: a thread of its own reading the file the recorder writes.
        std::unique_ptr<pg::ShipThread> shipping = startShipping(options, err);
        // After the recorder: a second proxy on this database is refused by the recorder's claim
        // before it could touch the first one's socket.
        ControlServer control(ControlServer::pathFor(options.db), proxy, live);
        if (config.routes) {
            apiConfig.wsUrl = proxy.listenUrl();
            api = std::make_unique<ApiProxy>(apiConfig, std::vector<Tap*>{&recorder});
            api->start();
        }
        std::string target = config.upstream.empty() ? "the ws_endpoint of each rtm.connect answer" : config.upstream;
        if (regular) {
            target = "the servers its clients name (HTTP proxy, intercepting " +
                     (config.intercept.empty() ? std::string("every host") : joinHosts(config.intercept)) + ")";
        }
        const char* embedded = simulator ? " (embedded simulator)" : "";
        out << "rtmtap: listening on " << proxy.listenUrl() << " -> " << target << embedded;
        if (api) {
            out << ", API " << api->listenUrl() << " -> " << apiUpstream << embedded;
        }
        out << " (db " << options.db << ", control " << control.path() << ")";
        if (shipping) {
            out << ", shipping to " << pg::PgConnection::redacted(options.ship);
        }
        out << std::endl;
        if (authority) {
            out << "rtmtap: clients trust " << authority->certPath() << " (rtmtap ca show); try: curl --proxy "
                << proxy.listenUrl() << " --cacert " << authority->certPath() << " https://HOST/" << std::endl;
        }
        if (simulator) {
            out << "rtmtap: try: rtmtap client --api " << api->listenUrl()
                << " --user user1@example.test --password password (users user1..user5)" << std::endl;
        }
        signals.wait();
        while (!signals.stopped()) {  // a SIGHUP
            rules->reload(options.db, err);
            signals.wait();
        }
        err << "rtmtap: stopping: closing live sessions" << std::endl;
        control.stop();  // no injection into a proxy that is stopping
        if (api) {
            api->stop();
        }
        proxy.stop();
        if (lint) {
            lint->close();  // lints what is queued, into the recorder before it closes
        }
        recorder.close();
        if (shipping) {
            stopShipping(*shipping, options, err);
        }
        if (simulator) {
            simulator->stop();
        }
        RecorderStats stats = recorder.stats();
        ProxyStats ps = proxy.stats();
        printSummary(ps, stats, err);
        if (lint) {
            printLintSummary(lint->stats(), err);
        }
        if (rules) {
            rules->finish(options.db, err);
        }
        return 0;
    } catch (const std::exception& e) {
        std::string what = e.what();
        err << (what.rfind("rtmtap: ", 0) == 0 ? "" : "rtmtap: ") << what << std::endl;
        return 2;
    }
}

void setupProxy(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<ProxyOptions>();
    CLI::App* cmd = app.add_subcommand("proxy", "Relay WebSocket traffic to an upstream and record every frame");
    cmd->footer(
        "Examples:\n"
        "  rtmtap proxy                       in front of an embedded simulator; clients use ws://127.0.0.1:9001\n"
        "  rtmtap proxy --listen 127.0.0.1:9001 --upstream ws://rtm.example:9001 --db rtmtap.db\n"
        "  rtmtap proxy --api-upstream https://api.example --lint   the HTTP API too; lint findings live\n"
        "  rtmtap proxy --mode regular --intercept '*.airsend.io'   the HTTP proxy of a phone or browser\n"
        "  rtmtap proxy --rules rules.jsonl   change the traffic (SIGHUP re-reads the rules)");
    cmd->add_option("--mode", options->mode,
                    "reverse: clients connect to rtmtap as to their server (--upstream, --api-upstream). regular: "
                    "rtmtap is the HTTP proxy a browser or phone is configured with (CONNECT and absolute URIs); "
                    "TLS to intercepted hosts is served with certificates of rtmtap's own CA (rtmtap ca), "
                    "WebSocket sessions and API calls are recorded, HTTP/2 is not offered (clients fall back "
                    "to HTTP/1.1)")
        ->check(CLI::IsMember({"reverse", "regular"}))
        ->capture_default_str();
    cmd->add_option("--listen", options->listen,
                    "Address to accept clients on, HOST:PORT (--mode regular: default 127.0.0.1:8080)")
        ->capture_default_str();
    cmd->add_option("--intercept", options->intercept,
                    "--mode regular: hosts whose traffic is read and recorded, globs such as *.airsend.io "
                    "(repeat or separate with commas; default: every host). Others are tunnelled untouched "
                    "and not recorded")
        ->delimiter(',')
        ->expected(1)
        ->type_name("HOST_GLOB");
    cmd->add_flag("--record-http", options->recordHttp,
                  "--mode regular: record every HTTP exchange of intercepted hosts, not only the API's (/api/...)");
    cmd->add_option("--ca-dir", options->caDir,
                    "--mode regular: the folder of rtmtap's CA (default $XDG_DATA_HOME/rtmtap); made on first "
                    "use when missing");
    cmd->add_option("--upstream", options->upstream,
                    "The real RTM endpoint, ws://HOST:PORT[/PATH] or wss://... (default: an embedded AirSend simulator, API and WebSocket; "
                    "with --api-upstream: the ws_endpoint each rtm.connect answer named). Given together with "
                    "--api-upstream, it wins over the rtm.connect endpoints");
    cmd->add_option("--api-upstream", options->apiUpstream,
                    "Also proxy the AirSend HTTP API, http(s)://HOST:PORT[/BASE]: every call is forwarded and "
                    "recorded, and rtm.connect answers point the client at this proxy");
    cmd->add_option("--api-listen", options->apiListen, "Address to accept HTTP API clients on, HOST:PORT")
        ->capture_default_str();
    cmd->add_option("--db", options->db, "SQLite database to record into (default: $RTMTAP_DB or ./rtmtap.db)");
    cmd->add_flag("--insecure", options->insecure, "wss/https upstreams: do not verify their certificates");
    cmd->add_option("--ca", options->ca, "wss/https upstreams: trust the CA certificates in this PEM file")->check(CLI::ExistingFile);
    cmd->add_option("--tls-cert", options->tlsCert, "Serve wss:// to clients with this PEM certificate chain")
        ->check(CLI::ExistingFile);
    cmd->add_option("--tls-key", options->tlsKey, "Private key for --tls-cert")->check(CLI::ExistingFile);
    cmd->add_option("--max-message", options->maxMessage,
                    "Close both sides with 1009 above this message size (bytes; K, M suffixes)")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    cmd->add_option("--max-buffered", options->maxBuffered,
                    "Bytes all sessions together may buffer (waiting for slow readers, messages not yet "
                    "complete); above it reading pauses until they drain (K, M, G suffixes; at least 64K)")
        ->transform(CLI::AsSizeValue(false))
        ->capture_default_str();
    cmd->add_flag("--keep-secrets", options->keepSecrets, "Store ws_auth tokens whole (default: signature removed)");
    cmd->add_flag("--no-text-index", options->noTextIndex,
                  "Do not extend the full-text index while idle (the first --text query builds it)");
    cmd->add_option("--connect-timeout", options->connectTimeoutMs, "Upstream connect timeout, ms (then 504)")
        ->check(CLI::Range(1, 3600000))
        ->capture_default_str();
    cmd->add_option("--handshake-timeout", options->handshakeTimeoutMs,
                    "Time allowed for the client's request and the upstream's answer, ms")
        ->check(CLI::Range(1, 3600000))
        ->capture_default_str();
    cmd->add_option("--max-sessions", options->maxSessions,
                    "Live sessions and upgrades in progress at once (0: no limit); beyond it a new client gets 503. "
                    "Each session takes two file descriptors: the proxy raises its open-file limit (ulimit -n) to the "
                    "hard limit at start; out of descriptors, new clients get 503")
        ->capture_default_str();
    cmd->add_option("--max-per-address", options->maxPerAddress,
                    "Connections at once from one client IP address; beyond it 503 (default 0: no limit)");
    cmd->add_option("--loops", options->loops, "Relay threads (default: one per core, at most 4)")->check(CLI::Range(0, 64));
    cmd->add_option("--rules", options->rules,
                    "Change the traffic by the rules in this JSONL file, one a line: "
                    "{\"match\": {query filters, nth, every}, ACTION}; ACTION one of drop, set {PATH: VALUE}, "
                    "delete [PATH], delay_ms N, duplicate N (the frame goes out N times in all), replace {op, data}, "
                    "insert_before/insert_after [{dir, op, data, after_ms}], close {by, code, reason}. "
                    "The first rule that matches acts. SIGHUP re-reads the file; each rule's counts are "
                    "printed at exit and kept for rtmtap stats");
    cmd->add_option("--when-behind", options->whenBehind,
                    "When the recorder falls behind the traffic (a slow, full or locked disk): pause the "
                    "sessions that send (they wait on TCP; nothing is lost), or relay them without recording "
                    "(what is missed is counted as gaps, shown by rtmtap stats)")
        ->check(CLI::IsMember({"pause", "relay"}))
        ->capture_default_str();
    cmd->add_flag("--lint", options->lint,
                  "Check the traffic against the protocol's rules as it passes (those of rtmtap lint): each "
                  "finding is printed as one line (time, session:seq, severity, rule, what happened) and stored, "
                  "so rtmtap lint SESSION reads it back and rtmtap query --finding RULE finds its frames. Lint "
                  "runs on a thread of its own, never on the relay's path: when it falls 64 MiB of frames "
                  "behind, the frames that do not fit are not linted live (nor the rest of their sessions; one "
                  "line says so, and rtmtap lint checks those sessions from the recording) rather than slowing "
                  "the traffic or growing memory");
    addColorOption(*cmd, options->color);
    cmd->add_option("--ship", options->ship,
                    "Ship the recording to this PostgreSQL (postgresql://...) as it grows, off the relay's path "
                    "(rtmtap ship --init makes its schema; docs/postgresql.md)");
    cmd->add_option("--proxy-name", options->proxyName,
                    "With --ship: this proxy's name in the fleet database (default HOSTNAME/DB-FILE-NAME)");
    cmd->add_option("--db-max-bytes", options->dbMaxBytes, "Test hook: cap the database file's size")->group("");
    cmd->add_option("--db-exit-wait", options->exitWaitMs, "Test hook: ms a refusing database is retried at exit")
        ->group("");
    cmd->add_option("--queue-limit", options->queueLimit, "Test hook: bytes the recorder holds before it is behind")
        ->transform(CLI::AsSizeValue(false))
        ->group("");
    cmd->callback([options, cmd, &exitCode] {
        if (options->db.empty()) {
            options->db = defaultDbPath();
        }
        options->apiListenGiven = cmd->count("--api-listen") > 0;
        options->listenGiven = cmd->count("--listen") > 0;
        exitCode = runProxy(*options, std::cout, std::cerr);
    });
}

}  // namespace rtmtap::cli
