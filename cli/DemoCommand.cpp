#include "DemoCommand.h"

#include "Commands.h"
#include "LivePrinter.h"
#include "SessionsCommand.h"
#include "proxy/ApiProxy.h"
#include "proxy/EndpointRoutes.h"
#include "proxy/Proxy.h"
#include "replay/RtmClient.h"
#include "replay/Simulator.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"

#include <unistd.h>
#include "store/Recorder.h"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace rtmtap::cli {
namespace {

// What each demo client does, spread over the run: the commands the real web client sends.
std::vector<std::string> demoCommands(int userIndex) {
    const std::string channel = std::to_string(SimWorld::kFirstChannelId);
    return {
        R"({"command":"ws_ping"})",
        R"({"command":"ws_ephemeral_typing","user_email":"user)" + std::to_string(userIndex) +
            R"(@example.test","channel_id":")" + channel + R"("})",
        R"({"command":"ws_read_notification","channel_id":")" + channel + R"(","message_id":"10000"})",
        R"({"command":"ws_add_reaction","message_id":"10000","emoji_value":"U 1F600"})",
        R"({"command":"ws_ping"})",
        R"({"command":"ws_remove_reaction","message_id":"10000","emoji_value":"U 1F600"})",
        R"({"command":"ws_all_read_notification","channel_id":")" + channel + R"("})",
    };
}

// Logs in through the proxy's API exactly as a real client would, then runs its commands.
void runClient(const std::string& api, int userIndex, int seconds, std::atomic<int>& failures, std::ostream& err,
               std::mutex& errMutex) {
    try {
        RtmClient client;
        std::string token = client.login(api, "user" + std::to_string(userIndex) + "@example.test", "password");
        RtmEndpoint endpoint = client.rtmConnect(api, token);
        client.connect(endpoint.wsEndpoint, endpoint.wsToken, [](const Message&) {});
        std::vector<std::string> commands = demoCommands(userIndex);
        const auto step = std::chrono::milliseconds(seconds * 1000 / int(commands.size() + 1));
        std::this_thread::sleep_for(std::chrono::milliseconds(150 * userIndex));  // not all in step
        for (const std::string& command : commands) {
            std::this_thread::sleep_for(step);
            if (client.ended()) {
                break;
            }
            client.sendText(command);
        }
        std::this_thread::sleep_for(step);
        client.close();
    } catch (const std::exception& e) {
        ++failures;
        std::lock_guard<std::mutex> lock(errMutex);
        err << "rtmtap: demo client user" << userIndex << ": " << e.what() << std::endl;
    }
}

// Counts each session's frames per event and command name, as the summary shows them.
void printCounts(const std::string& db, std::ostream& out) {
    const std::unique_ptr<Reader> reader = openReader(db);
    for (const SessionRow& session : reader->sessions()) {
        std::map<std::string, int> sent, received;
        reader->frames(session.id, [&](const FrameRow& row) {
            if (!row.name.empty()) {
                (row.message.dir == Direction::ClientToServer ? sent : received)[row.name]++;
            }
            return true;
        });
        out << "  session " << session.id << " (" << session.user_name << ", " << session.frames << " frames)\n";
        for (const auto* counts : {&sent, &received}) {
            out << (counts == &sent ? "    sent:    " : "    received:");
            const char* separator = " ";
            for (const auto& [name, count] : *counts) {
                out << separator << name << " " << count;
                separator = ", ";
            }
            out << "\n";
        }
    }
}

}  // namespace

int runDemo(const DemoOptions& options, std::ostream& out, std::ostream& err) {
    std::atomic<int> failures{0};
    try {
        SimulatorConfig simConfig;
        simConfig.wsPort = 0;
        simConfig.apiPort = 0;
        simConfig.seed = 7;
        simConfig.chatterPerMinute = 120;  // a lively ten seconds
        Simulator simulator(simConfig);
        simulator.start();
        Recorder recorder(RecorderOptions{options.db});
        LivePrinter live(out, Palette(&out == &std::cout && colorEnabled(ColorMode::Auto, STDOUT_FILENO)));
        std::vector<Tap*> taps{&recorder};
        if (!options.quiet) {
            taps.push_back(&live);
        }
        ProxyConfig config;
        config.listenPort = 0;
        config.routes = std::make_shared<EndpointRoutes>();  // sessions go where rtm.connect said
        Proxy proxy(config, taps, recorder.nextSessionId());
        proxy.start();
        ApiProxyConfig apiConfig;
        apiConfig.listenPort = 0;
        apiConfig.upstream = simulator.apiUrl();
        apiConfig.routes = config.routes;
        apiConfig.wsUrl = proxy.listenUrl();
        ApiProxy api(apiConfig, {&recorder});
        api.start();
        out << "rtmtap demo: AirSend simulator at " << simulator.apiUrl() << " (API) and " << simulator.wsUrl()
            << " (WebSocket)\n"
            << "             rtmtap proxy at " << api.listenUrl() << " (API) and " << proxy.listenUrl()
            << " (WebSocket), recording to " << options.db << "\n"
            << "             " << options.clients << " clients log in through the proxy for " << options.seconds
            << " s; every frame, live:\n\n";
        out.flush();
        std::mutex errMutex;
        std::vector<std::thread> clients;
        for (int i = 1; i <= options.clients; ++i) {
            clients.emplace_back(runClient, api.listenUrl(), i, options.seconds, std::ref(failures), std::ref(err),
                                 std::ref(errMutex));
        }
        for (std::thread& t : clients) {
            t.join();
        }
        api.stop();
        proxy.stop();
        recorder.close();
        simulator.stop();
    } catch (const std::exception& e) {
        err << "rtmtap: demo failed: " << e.what() << std::endl;
        return 2;
    }
    out << "\nRecorded sessions:\n";
    runSessions(SessionsOptions{options.db, false}, out, err);
    out << "\nEvents and commands per session:\n";
    printCounts(options.db, out);
    out << "\nNext, try:\n"
        << "  build/bin/rtmtap show 1 --db " << options.db << "            # one session's frames in order\n"
        << "  build/bin/rtmtap show 1 --db " << options.db << " --jsonl    # the same as JSON lines\n"
        << "  build/bin/rtmtap query --db " << options.db << " --event 'chat.*' --text report   # across sessions\n"
        << "  build/bin/rtmtap stats 1 --db " << options.db << "           # round trips, rates, the end\n"
        << "  sqlite3 " << options.db << " 'SELECT * FROM v_session_api WHERE session = 1'   # its login\n"
        << "  build/bin/rtmtap replay 1 --db " << options.db << " --api-listen 127.0.0.1:8082 --reactive   # serve session 1 again;\n"
        << "  build/bin/rtmtap client --api http://127.0.0.1:8082 --user user1@example.test --password any   # ...log in to it\n"
        << "  build/bin/rtmtap proxy --db rtmtap.db    # proxy in front of the embedded simulator\n"
        << "  build/bin/rtmtap proxy --listen 127.0.0.1:9001 --upstream ws://YOUR-RTM-HOST:9001 --db rtmtap.db\n"
        << "  build/bin/rtmtap proxy --mode regular --intercept '*.airsend.io'   # a phone's or browser's proxy (rtmtap ca show)\n";
    return failures > 0 ? 2 : 0;
}

void setupDemo(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<DemoOptions>();
    CLI::App* cmd = app.add_subcommand(
        "demo", "Run an embedded AirSend simulator, the proxy in front of it and three scripted clients, live");
    cmd->footer(
        "Examples:\n"
        "  rtmtap demo                                   three clients for 10 s, live, into ./rtmtap-demo.db\n"
        "  rtmtap demo --seconds 3 --clients 1 --quiet   a short run that prints only the summary\n"
        "  rtmtap sessions --db rtmtap-demo.db           afterwards: what the demo recorded");
    cmd->add_option("--db", options->db, "Database to record into")->capture_default_str();
    cmd->add_option("--seconds,--duration", options->seconds, "How long the clients run")->check(CLI::Range(1, 600))->capture_default_str();
    cmd->add_option("--clients", options->clients, "How many clients (user1, user2, ...)")
        ->check(CLI::Range(1, 5))
        ->capture_default_str();
    cmd->add_flag("--quiet", options->quiet, "Do not print the frames live");
    cmd->callback([options, &exitCode] { exitCode = runDemo(*options, std::cout, std::cerr); });
}

}  // namespace rtmtap::cli
