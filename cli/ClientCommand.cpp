// `rtmtap client`: a scripted AirSend client. Logs in over HTTP (or takes --ws/--token), keeps an
// RTM WebSocket open, prints every frame it receives and the commands it sends, runs a script.
#include "Commands.h"
#include "StopSignals.h"
#include "replay/AirSendApi.h"
#include "replay/ClientScript.h"
#include "replay/EventPrinter.h"
#include "replay/RtmClient.h"
#include "replay/Scheduler.h"
#include "replay/WebKeepalive.h"

#include "protocol/Classifier.h"
#include "protocol/Clock.h"
#include "protocol/JsonStrings.h"
#include "protocol/JwtClaims.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace rtmtap::cli {
namespace {

constexpr int64_t kQuietUs = 1'000'000;  // without --duration: the end is 1 s without traffic
constexpr int kSliceMs = 50;              // how often waits look at SIGINT and the connection

struct ClientOptions {
    std::string api, user, password;
    std::string ws, token;
    std::string script;
    double duration = 0;  // seconds; 0: not given
    bool jsonl = false;
    bool insecure = false;
    std::string ca;
    int timeoutMs = 10000;
    bool keepalive = false;
    double keepaliveScale = 1;
};

// Output from the reader thread and the script runner, one whole line at a time.
class Output {
public:
    Output(std::ostream& out, bool jsonl) : out_(out), jsonl_(jsonl) {}
    void frame(const Message& m) {
        std::string text = jsonl_ ? EventPrinter::jsonl(m) : EventPrinter::line(m);
        std::lock_guard<std::mutex> lock(mutex_);
        out_ << text << std::endl;  // flushed: `rtmtap client | jq` and tests see it live
        ++(m.dir == Direction::ServerToClient ? received_ : sent_);
    }
    int received() const { return received_; }
    int sent() const { return sent_; }

private:
    std::ostream& out_;
    bool jsonl_;
    std::mutex mutex_;
    std::atomic<int> received_{0}, sent_{0};
};

enum class WaitEnd { Reached, Stopped, Ended };

// The session: one RtmClient at a time. With --keepalive a WebKeepalive decides when to send
// ws_ping and POST system.ping and when to replace the client (close 3000, rtm.connect again);
// the waits of this (main) thread drive it, the clients' reader threads tell it what arrived.
class Session {
public:
    Session(const ClientOptions& options, Output& output, StopSignals& stop, std::ostream& err)
        : options_(options), output_(output), stop_(stop), err_(err), api_(clientOptions(options)) {
        if (options.keepalive) {
            const bool systemPing = options.ws.empty();  // it needs the login's bearer
            keepalive_.emplace(Clock::system(), WebKeepaliveTimings{}.scaled(options.keepaliveScale), systemPing);
        }
    }
    ~Session() { close(); }

    void connect() {
        if (options_.ws.empty()) {
            bearer_ = api_.login(options_.api, options_.user, options_.password);
        } else if (keepalive_) {
            err_ << "rtmtap: --keepalive with --ws: system.ping is skipped (it needs the bearer of a login over --api)"
                 << std::endl;
        }
        startUs_ = now();
        touch();
        open();
        if (keepalive_) {
            keepalive_->connected();
        }
        if (options_.duration > 0) {
            deadlineUs_ = startUs_ + static_cast<int64_t>(options_.duration * 1e6);
        }
    }

    // Sends the steps at their offsets on a scheduler thread while this one watches SIGINT, the
    // connection and --duration (which stops the steps not yet due). Reached when all were sent
    // (or --duration ran out first). An after_ms counts from the previous step as it was sent, so
    // a late step moves the rest with it (LatePolicy::Shift).
    WaitEnd runScript(const ClientScript& script) {
        Scheduler scheduler(Clock::system(), Scheduler::LatePolicy::Shift);
        int64_t offsetUs = 0;
        for (const ScriptStep& step : script.steps()) {
            offsetUs += step.afterMs * 1000;
            scheduler.add(offsetUs, [this, text = step.text](const Firing& f) { sendStep(text, f.ranUs); });
        }
        std::atomic<bool> done{false};
        std::exception_ptr failure;
        std::thread runner([&] {
            try {
                scheduler.run();
            } catch (...) {
                failure = std::current_exception();  // a failed send: reported on this thread
            }
            done = true;
        });
        WaitEnd end = waitUntil(INT64_MAX, [&] { return done.load(); });
        scheduler.stop();
        runner.join();
        if (failure) {
            if (current()->ended()) {
                return WaitEnd::Ended;
            }
            std::rethrow_exception(failure);
        }
        return end;
    }

    // --duration: until it runs out. Else with a script (and no --keepalive): 1 s of quiet. Else:
    // until SIGINT.
    WaitEnd waitForEnd(bool hadScript) {
        if (deadlineUs_) {
            return waitUntil(*deadlineUs_);
        }
        if (!hadScript || keepalive_) {
            return waitUntil(INT64_MAX);
        }
        for (;;) {
            WaitEnd end = waitUntil(lastActivityUs_.load() + kQuietUs);
            if (end != WaitEnd::Reached || now() >= lastActivityUs_.load() + kQuietUs) {
                return end;
            }
        }
    }

    // Closes the open client (1000) and waits for the ones being replaced.
    void close() {
        if (std::shared_ptr<RtmClient> client = takeClient()) {
            client->close();
            retire(std::move(client));
        }
        retiring_.clear();  // each future's destructor waits for its close
    }

    std::string endReason() const {
        std::shared_ptr<RtmClient> client = current();
        return client ? client->endReason() : "";
    }
    uint64_t pingsAnswered() const {
        std::shared_ptr<RtmClient> client = current();
        return pingsRetired_ + (client ? client->pingsAnswered() : 0);
    }
    std::optional<uint64_t> reconnects() const {
        return keepalive_ ? std::optional<uint64_t>(keepalive_->reconnects()) : std::nullopt;
    }

private:
    static RtmClientOptions clientOptions(const ClientOptions& o) {
        RtmClientOptions c;
        c.timeoutMs = o.timeoutMs;
        c.caFile = o.ca;
        c.insecure = o.insecure;
        return c;
    }
    static int64_t now() { return Clock::system().monotonicUs(); }
    void touch() { lastActivityUs_ = now(); }

    std::shared_ptr<RtmClient> current() const {
        std::lock_guard lock(clientMutex_);
        return client_;
    }

    // rtm.connect (after a login: --api), then a new client on the endpoint. Throws RtmClientError.
    void open() {
        std::string url = options_.ws, token = options_.token;
        if (!bearer_.empty()) {
            RtmEndpoint endpoint = api_.rtmConnect(options_.api, bearer_);
            url = endpoint.wsEndpoint;
            token = endpoint.wsToken;
        }
        auto client = std::make_shared<RtmClient>(clientOptions(options_));
        const uint64_t generation = ++generation_;
        client->connect(url, token, [this, generation](const Message& m) {
            touch();
            output_.frame(m);
            noteKeepalive(generation, m);
        });
        auto claims = decodeJwtClaims(token);
        fingerPrint_ = claims ? claims->finger_print : "";
        std::lock_guard lock(clientMutex_);
        client_ = std::move(client);
    }

    // Frames of a replaced client (an older generation) answer nothing.
    void noteKeepalive(uint64_t generation, const Message& m) {
        if (!keepalive_ || generation != generation_.load() || m.op != Opcode::Text) {
            return;
        }
        Classification c = classify(m.payload);
        if (c.kind != Kind::Event) {
            return;
        }
        if (c.name == "pong") {
            keepalive_->onPong();
        } else if (c.name == "system.ping") {
            for (const JsonStringMember& member : scanJsonStrings(m.payload).members) {
                if (member.path == "payload.ping_token") {
                    keepalive_->onSystemPingEvent(member.value);
                }
            }
        }
    }

    // A script step; with --keepalive a step due while the socket is being replaced is skipped.
    void sendStep(const std::string& text, int64_t sentUs) {
        try {
            send(text, sentUs);
        } catch (const RtmClientError& e) {
            if (!keepalive_) {
                throw;
            }
            err_ << "rtmtap: not sent (" << e.what() << "): " << text << std::endl;
        }
    }

    // sentUs: when the scheduler ran the step, so the printed times keep the script's spacing.
    void send(const std::string& text, int64_t sentUs) {
        std::shared_ptr<RtmClient> client = current();
        if (!client) {
            throw RtmClientError("reconnecting");
        }
        client->sendText(text);
        touch();
        Message m;
        m.dir = Direction::ClientToServer;
        m.op = Opcode::Text;
        m.t_us = sentUs - startUs_;
        m.wall_us = Clock::system().wallUs();
        m.size = text.size();
        m.payload = text;
        output_.frame(m);
    }

    // Takes a client out of service; its close (if under way) finishes on another thread.
    void retire(std::shared_ptr<RtmClient> client) {
        pingsRetired_ += client->pingsAnswered();
        retiring_.push_back(std::async(std::launch::async, [c = std::move(client)]() mutable { c.reset(); }));
    }

    std::shared_ptr<RtmClient> takeClient() {
        std::lock_guard lock(clientMutex_);
        return std::move(client_);
    }

    // Does what the keepalive asks for now.
    void tickKeepalive() {
        if (auto client = current(); client && client->ended()) {
            err_ << "rtmtap: the server ended the session (" << client->endReason() << "); reconnecting" << std::endl;
            keepalive_->serverEnded();
            retire(takeClient());
        }
        for (auto step = keepalive_->poll(); step.action != WebKeepalive::Action::None; step = keepalive_->poll()) {
            act(step);
        }
    }

    void act(const WebKeepalive::Step& step) {
        switch (step.action) {
            case WebKeepalive::Action::WsPing:
                try {
                    send(R"({"command":"ws_ping"})", now());
                } catch (const RtmClientError&) {
                    // It just ended: the next tick sees it.
                }
                break;
            case WebKeepalive::Action::SystemPing:
                systemPing(step.pingToken);
                break;
            case WebKeepalive::Action::Reconnect:
                err_ << "rtmtap: reconnecting: " << step.reason << std::endl;
                if (auto client = takeClient()) {
                    try {
                        client->sendClose(3000, "");  // as the web client: ws.close(3000)
                    } catch (const RtmClientError&) {
                        // Gone already: nothing to close.
                    }
                    retire(std::move(client));
                }
                break;
            case WebKeepalive::Action::Connect:
                reconnect();
                break;
            case WebKeepalive::Action::None:
                break;
        }
    }

    // An HTTP failure is said; the missing event then makes the keepalive reconnect.
    void systemPing(const std::string& token) {
        try {
            api_.systemPing(options_.api, bearer_, {fingerPrint_, token, keepalive_->lastLatencyMs()});
        } catch (const RtmClientError& e) {
            err_ << "rtmtap: " << e.what() << std::endl;
        }
    }

    void reconnect() {
        try {
            open();
            keepalive_->connected();
            err_ << "rtmtap: reconnected (" << keepalive_->reconnects() << ")" << std::endl;
        } catch (const RtmRateLimited& e) {
            // The server's RetryAfter is not scaled: it is the server's demand, not the client's habit.
            err_ << "rtmtap: reconnect: " << e.what() << "; retrying in " << e.retryAfterSeconds() << " s" << std::endl;
            keepalive_->connectFailed(static_cast<int64_t>(e.retryAfterSeconds()) * 1'000'000);
        } catch (const RtmClientError& e) {
            err_ << "rtmtap: reconnect: " << e.what() << "; retrying" << std::endl;
            keepalive_->connectFailed();
        }
    }

    // Waits in slices until untilUs (capped by --duration), SIGINT, the end of the connection (not
    // with --keepalive: it reconnects) or finished() (Reached).
    WaitEnd waitUntil(int64_t untilUs, const std::function<bool()>& finished = {}) {
        if (deadlineUs_ && untilUs > *deadlineUs_) {
            untilUs = *deadlineUs_;
        }
        for (;;) {
            if (stop_.waitFor(0)) {  // a signal taken while connecting or sending counts at once
                return WaitEnd::Stopped;
            }
            if (keepalive_) {
                tickKeepalive();
            } else if (current()->ended()) {
                return WaitEnd::Ended;
            }
            int64_t left = untilUs - now();
            if (left <= 0 || (finished && finished())) {
                return WaitEnd::Reached;
            }
            stop_.waitFor(static_cast<int>(std::min<int64_t>((left + 999) / 1000, kSliceMs)));
        }
    }

    const ClientOptions& options_;
    Output& output_;
    StopSignals& stop_;
    std::ostream& err_;
    AirSendApi api_;
    std::string bearer_;       // "" with --ws
    std::string fingerPrint_;  // of the current ws_token, for system.ping
    int64_t startUs_ = 0;
    std::optional<int64_t> deadlineUs_;
    std::atomic<int64_t> lastActivityUs_{0};

    std::optional<WebKeepalive> keepalive_;
    std::atomic<uint64_t> generation_{0};
    mutable std::mutex clientMutex_;
    std::shared_ptr<RtmClient> client_;  // guarded by clientMutex_; null while reconnecting
    uint64_t pingsRetired_ = 0;
    std::vector<std::future<void>> retiring_;  // declared last: waited for before the rest goes
};

std::string checkOptions(const ClientOptions& o) {
    const std::string usage = " (use --api URL --user U --password P, or --ws URL --token T)";
    if (!(o.keepaliveScale > 0) || !std::isfinite(o.keepaliveScale)) {
        return "--keepalive-scale must be a number above 0 (e.g. 20 runs 10 s intervals every 0.5 s)";
    }
    if (!o.ws.empty() && !o.api.empty()) {
        return "give --api or --ws, not both" + usage;
    }
    if (!o.ws.empty()) {
        return o.token.empty() ? "--ws needs --token" + usage : "";
    }
    if (o.api.empty()) {
        return "no server given" + usage;
    }
    if (o.user.empty() || o.password.empty()) {
        return "--api needs --user and --password (or $RTMTAP_PASSWORD)" + usage;
    }
    return "";
}

int runClient(const ClientOptions& options, std::ostream& out, std::ostream& err, StopSignals& stop) {
    if (std::string bad = checkOptions(options); !bad.empty()) {
        err << "rtmtap: " << bad << std::endl;
        return 2;
    }
    try {
        // The script is checked before any network traffic: a typo costs no login.
        std::optional<ClientScript> script;
        if (!options.script.empty()) {
            script = ClientScript::load(options.script);
        }
        Output output(out, options.jsonl);
        Session session(options, output, stop, err);
        session.connect();
        WaitEnd end = script ? session.runScript(*script) : WaitEnd::Reached;
        if (end == WaitEnd::Reached) {
            end = session.waitForEnd(script.has_value());
        }
        if (end == WaitEnd::Ended) {
            err << "rtmtap: the server ended the session early: " << session.endReason() << std::endl;
            return 2;
        }
        session.close();
        err << "rtmtap: done: " << output.received() << " frames received, " << output.sent()
            << " commands sent, " << session.pingsAnswered() << " pings answered";
        if (auto reconnects = session.reconnects()) {
            err << ", " << *reconnects << (*reconnects == 1 ? " reconnect" : " reconnects");
        }
        err << std::endl;
        return 0;
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << std::endl;
        return 2;
    }
}

}  // namespace

void setupClient(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<ClientOptions>();
    CLI::App* cmd = app.add_subcommand("client", "A scripted AirSend client: log in, connect, print events, run a script");
    cmd->footer(
        "Login: POST {api}/api/v1/user.login (form user, password), GET {api}/api/v1/rtm.connect with the\n"
        "bearer token, WebSocket to the returned ws_endpoint, then ws_auth with its ws_token as the first\n"
        "frame. --ws URL --token T skips the HTTP steps. Protocol pings are answered with pongs.\n"
        "Output (stdout): one line per frame received ('<') and command sent ('>'); ws_auth is not shown.\n"
        "--jsonl: {\"t_ms\":..,\"dir\":\"s2c\"|\"c2s\",\"op\":\"text\",\"data\":<the frame as JSON, else a string>}.\n"
        "Script: JSONL, one command a line, optional \"after_ms\" (delay after the previous step); the line\n"
        "minus its after_ms member is sent as written. Blank lines and lines starting with # are skipped.\n"
        "When it ends: with --duration, after that many seconds (script steps not yet due are not sent);\n"
        "without it, once the script is done and 1 s passes with no frame either way; with neither,\n"
        "at SIGINT. SIGINT/SIGTERM always end it cleanly (close frame, exit 0).\n"
        "--keepalive: as AirSend's web client, {\"command\":\"ws_ping\"} every 10 s and, logged in over --api,\n"
        "POST {api}/api/v1/system.ping (finger_print of the ws_token, a fresh ping_token, last_latency: the\n"
        "last ws_ping round trip in ms) every 60 s. No pong event within 5 s, or no system.ping event with\n"
        "that ping_token within 30 s, or the server ending the session: a line says why, the socket is\n"
        "closed with 3000, and 10 s later rtm.connect is called again (with --ws: the same URL and token)\n"
        "and a new socket opened with ws_auth; a 429 waits its RetryAfter seconds. It runs until\n"
        "--duration or SIGINT; the end line counts the reconnects. --keepalive-scale F divides every one\n"
        "of those intervals and deadlines (not RetryAfter) by F, e.g. 20 for a minute of keepalives in 3 s\n"
        "against the simulator; against a real server it multiplies the load by F.\n"
        "Exit: 0 done; 2 on any error (bad credentials, unreachable API, refused upgrade, bad script line,\n"
        "the server ending the session early), with one line on stderr.\n"
        "Examples:\n"
        "  rtmtap client --api http://127.0.0.1:8080 --user user1@example.test --password password --duration 5\n"
        "  rtmtap client --ws ws://127.0.0.1:9001 --token TOKEN --script steps.jsonl --jsonl\n"
        "  rtmtap client --api http://127.0.0.1:8080 --user user2@example.test --keepalive");
    cmd->add_option("--api", options->api, "AirSend API base URL, e.g. http://127.0.0.1:8080");
    cmd->add_option("--user", options->user, "Login name (form field user), e.g. user1@example.test");
    cmd->add_option("--password", options->password, "Password (default: $RTMTAP_PASSWORD)");
    cmd->add_option("--ws", options->ws, "Connect straight to this ws:// or wss:// endpoint (needs --token)");
    cmd->add_option("--token", options->token, "ws_token to send in ws_auth with --ws");
    cmd->add_option("--script", options->script, "JSONL file of commands to send");
    cmd->add_option("--duration", options->duration, "Stay connected this many seconds, then exit 0")
        ->check(CLI::Range(0.001, 31'536'000.0));
    cmd->add_flag("--jsonl", options->jsonl, "One JSON object a line instead of readable lines");
    cmd->add_flag("--insecure", options->insecure, "https/wss: do not verify the server's certificate");
    cmd->add_option("--ca", options->ca, "https/wss: trust the CA certificates in this PEM file")->check(CLI::ExistingFile);
    cmd->add_flag("--keepalive", options->keepalive,
                  "Keep the session alive as the web client does: ws_ping, system.ping, reconnects (see below)");
    cmd->add_option("--keepalive-scale", options->keepaliveScale,
                    "Divide the keepalive's intervals and deadlines by this factor (> 0), for tests")
        ->capture_default_str();
    cmd->add_option("--timeout", options->timeoutMs, "Connect, HTTP and handshake timeout, ms")
        ->check(CLI::Range(1, 3'600'000))
        ->capture_default_str();
    cmd->callback([options, &exitCode] {
        if (options->password.empty()) {
            const char* env = std::getenv("RTMTAP_PASSWORD");
            options->password = env ? env : "";
        }
        // Before the client's threads start; SIGINT/SIGTERM then end it cleanly (close frame).
        StopSignals signals;
        exitCode = runClient(*options, std::cout, std::cerr, signals);
    });
}

}  // namespace rtmtap::cli
