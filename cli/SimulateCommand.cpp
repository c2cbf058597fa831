// `rtmtap simulate`: an embedded AirSend server (HTTP API + RTM WebSocket) until SIGINT/SIGTERM.
#include "Commands.h"
#include "ProxyCommand.h"  // parseListen
#include "StopSignals.h"
#include "replay/Simulator.h"

#include <iostream>
#include <memory>
#include <optional>
#include <random>

namespace rtmtap::cli {
namespace {

struct SimulateOptions {
    std::string listen = "127.0.0.1:9001";
    std::string apiListen = "127.0.0.1:8080";
    std::optional<uint64_t> seed;
    int users = 5;
    int channels = 3;
    double chatter = 30;
    double pingInterval = 25;
    std::string flavor = "doc";
};

bool configure(const SimulateOptions& options, SimulatorConfig& config, std::ostream& err) {
    if (!parseListen(options.listen, config.wsHost, config.wsPort)) {
        err << "rtmtap: invalid --listen '" << options.listen << "' (use HOST:PORT, e.g. 127.0.0.1:9001)" << std::endl;
        return false;
    }
    if (!parseListen(options.apiListen, config.apiHost, config.apiPort)) {
        err << "rtmtap: invalid --api-listen '" << options.apiListen << "' (use HOST:PORT, e.g. 127.0.0.1:8080)" << std::endl;
        return false;
    }
    config.seed = options.seed ? *options.seed : std::random_device{}();
    config.users = options.users;
    config.channels = options.channels;
    config.chatterPerMinute = options.chatter;
    config.pingIntervalMs = static_cast<int>(options.pingInterval * 1000);
    config.flavor = options.flavor == "real" ? SimFlavor::Real : SimFlavor::Doc;
    return true;
}

int runSimulate(const SimulateOptions& options, std::ostream& out, std::ostream& err) {
    // Before any thread starts: every one inherits the mask, so the signal reaches only wait().
    StopSignals signals;
    SimulatorConfig config;
    if (!configure(options, config, err)) {
        return 2;
    }
    try {
        Simulator simulator(config);
        simulator.start();
        out << "rtmtap: simulating AirSend: api " << simulator.apiUrl() << " ws " << simulator.wsUrl()
            << " (log in as user1@example.test .. user" << config.users << "@example.test, password "
            << SimWorld::kPassword << "; seed " << config.seed << ", flavor " << options.flavor << ")" << std::endl;
        signals.wait();
        err << "rtmtap: stopping the simulator" << std::endl;
        simulator.stop();
        return 0;
    } catch (const std::exception& e) {
        err << "rtmtap: cannot start the simulator: " << e.what() << " (is the port taken? pick others with --listen/--api-listen)"
            << std::endl;
        return 2;
    }
}

}  // namespace

void setupSimulate(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<SimulateOptions>();
    CLI::App* cmd = app.add_subcommand("simulate", "Run an embedded AirSend server (the HTTP API AirSend's web client calls, and the RTM WebSocket)");
    cmd->footer(
        "The API (under /api/v1/, CORS on every answer, errors as the real API's): handshake, user.login,\n"
        "user.login.refresh, user.logout, user.info, user.alerts, rtm.connect (429 past 60 a minute), channel.list,\n"
        "channel.info, channel.history (limit, limit_newer, cursor), channel.group.list, team.list, team.members,\n"
        "chat.postmessage, system.ping. Log in as user1@example.test .. userN@example.test, password 'password';\n"
        "3 failed logins block the account 10 s, then 20 s, 40 s...\n"
        "Examples:\n"
        "  rtmtap simulate   WebSocket on 127.0.0.1:9001, API on 127.0.0.1:8080\n"
        "  rtmtap simulate --seed 7 --flavor real --chatter 120   a repeatable run with real-traffic frames\n"
        "  rtmtap simulate --listen 127.0.0.1:0 --api-listen 127.0.0.1:0 --users 50   any free ports, 50 users");
    cmd->add_option("--listen", options->listen, "WebSocket address, HOST:PORT (port 0: any free port)")->capture_default_str();
    cmd->add_option("--api-listen", options->apiListen, "HTTP API address, HOST:PORT (port 0: any free port)")
        ->capture_default_str();
    cmd->add_option("--seed", options->seed, "Seed of the world and its chatter: the same seed repeats a run (default: random)");
    cmd->add_option("--users", options->users, "Users user1@example.test .. userN")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd->add_option("--channels", options->channels, "Channels at start")->check(CLI::Range(1, 100))->capture_default_str();
    cmd->add_option("--chatter", options->chatter, "Background activities a minute (0: none)")
        ->check(CLI::Range(0.0, 60000.0))
        ->capture_default_str();
    cmd->add_option("--ping-interval", options->pingInterval, "Seconds between protocol pings; a client that misses one is dropped")
        ->check(CLI::Range(0.05, 86400.0))
        ->capture_default_str();
    cmd->add_option("--flavor", options->flavor,
                    "doc: frames as the document shows them; real: as real traffic (meta.emitted_on, "
                    "channel.updateReadStatus), adding the events real traffic carries that the document does not "
                    "list: fs.*, team.*, channel.group.*, channel.join.update, action.update/move/delete, alert.update")
        ->check(CLI::IsMember({"doc", "real"}))
        ->capture_default_str();
    cmd->callback([options, &exitCode] { exitCode = runSimulate(*options, std::cout, std::cerr); });
}

}  // namespace rtmtap::cli
