// `rtmtap client`: a scripted AirSend client. Logs in over HTTP (or takes --ws/--token), keeps an
// RTM WebSocket open, prints every frame it receives and the commands it sends, runs a script.
#include "Commands.h"
#include "StopSignals.h"
#include "replay/ClientScript.h"
#include "replay/EventPrinter.h"
#include "replay/RtmClient.h"
#include "replay/Scheduler.h"

#include "protocol/Clock.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

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

class Session {
public:
    Session(const ClientOptions& options, Output& output, StopSignals& stop)
        : options_(options), output_(output), stop_(stop), client_(clientOptions(options)) {}

    void connect() {
        std::string url = options_.ws, token = options_.token;
        if (url.empty()) {
            std::string bearer = client_.login(options_.api, options_.user, options_.password);
            RtmEndpoint endpoint = client_.rtmConnect(options_.api, bearer);
            url = endpoint.wsEndpoint;
            token = endpoint.wsToken;
        }
        startUs_ = now();
        touch();
        client_.connect(url, token, [this](const Message& m) {
            touch();
            output_.frame(m);
        });
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
            scheduler.add(offsetUs, [this, text = step.text](const Firing& f) { send(text, f.ranUs); });
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
            if (client_.ended()) {
                return WaitEnd::Ended;
            }
            std::rethrow_exception(failure);
        }
        return end;
    }

    // --duration: until it runs out. Else with a script: 1 s of quiet. Else: until SIGINT.
    WaitEnd waitForEnd(bool hadScript) {
        if (deadlineUs_) {
            return waitUntil(*deadlineUs_);
        }
        if (!hadScript) {
            return waitUntil(INT64_MAX);
        }
        for (;;) {
            WaitEnd end = waitUntil(lastActivityUs_.load() + kQuietUs);
            if (end != WaitEnd::Reached || now() >= lastActivityUs_.load() + kQuietUs) {
                return end;
            }
        }
    }

    RtmClient& client() { return client_; }

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

    // sentUs: when the scheduler ran the step, so the printed times keep the script's spacing.
    void send(const std::string& text, int64_t sentUs) {
        client_.sendText(text);
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

    // Waits in slices until untilUs (capped by --duration), SIGINT, the end of the connection or
    // finished() (Reached).
    WaitEnd waitUntil(int64_t untilUs, const std::function<bool()>& finished = {}) {
        if (deadlineUs_ && untilUs > *deadlineUs_) {
            untilUs = *deadlineUs_;
        }
        for (;;) {
            if (stop_.waitFor(0)) {  // a signal taken while connecting or sending counts at once
                return WaitEnd::Stopped;
            }
            if (client_.ended()) {
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
    RtmClient client_;
    int64_t startUs_ = 0;
    std::optional<int64_t> deadlineUs_;
    std::atomic<int64_t> lastActivityUs_{0};
};

std::string checkOptions(const ClientOptions& o) {
    const std::string usage = " (use --api URL --user U --password P, or --ws URL --token T)";
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
        Session session(options, output, stop);
        session.connect();
        WaitEnd end = script ? session.runScript(*script) : WaitEnd::Reached;
        if (end == WaitEnd::Reached) {
            end = session.waitForEnd(script.has_value());
        }
        if (end == WaitEnd::Ended) {
            err << "rtmtap: the server ended the session early: " << session.client().endReason() << std::endl;
            return 2;
        }
        session.client().close();
        err << "rtmtap: done: " << output.received() << " frames received, " << output.sent()
            << " commands sent, " << session.client().pingsAnswered() << " pings answered" << std::endl;
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
        "Exit: 0 done; 2 on any error (bad credentials, unreachable API, refused upgrade, bad script line,\n"
        "the server ending the session early), with one line on stderr.");
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
