// `rtmtap replay SOURCE`: plays a recorded session. Serving (default): clients under test connect
// and get the recorded server side (ReplayServe.cpp). Re-sending (--to URL): the recorded client
// side goes to a server.
#include "Commands.h"
#include "ReplayCommand.h"
#include "StopSignals.h"

#include <cstdlib>
#include <iostream>
#include <memory>

namespace rtmtap::cli {

int runReplayServe(const ReplayOptions& options, std::ostream& out, std::ostream& err, StopSignals& stop);

namespace {

// What the flags alone can tell, before anything is opened.
std::string checkOptions(const ReplayOptions& o) {
    if (o.noTiming && o.step) {
        return "--no-timing and --step exclude each other";
    }
    if (!o.to.empty()) {
        return "--to is not available yet in this build";
    }
    if (o.clients != 1) {
        return "--clients needs --to";
    }
    return "";
}

}  // namespace

void setupReplay(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<ReplayOptions>();
    CLI::App* cmd = app.add_subcommand("replay", "Replay a recorded session: serve its server side to a client under test");
    cmd->footer(
        "SOURCE is a session id in --db, or a JSONL or HAR file (--session N picks the Nth WebSocket\n"
        "session of a file; the default is the first).\n"
        "Serving: clients connect to --listen (any path); each gets its own replay, which starts when\n"
        "it sends ws_auth (any token). Server frames go out at their recorded offsets from ws_auth,\n"
        "scaled by --speed, or back to back with --no-timing. --from SEQ sends the frames before SEQ at\n"
        "once. --reactive holds a frame that answered a client command (pong after ws_ping, the\n"
        "chat.updateMessage after ws_add_reaction) until the client sends the same command.\n"
        "--step asks before each frame on stdin: Enter/n send, c continue on time, s skip, q quit.\n"
        "--expect serves one client, then compares its commands with the recorded ones (exit 1 when\n"
        "they differ). --record stores each replay as a new session of --db (sessions.replay_of).\n"
        "--api-listen answers the recording's API calls (user.login, rtm.connect, ...) with\n"
        "rtm.ws_endpoint pointing at the replay.\n"
        "Runs until SIGINT/SIGTERM or --duration (with --expect: until its client goes).\n"
        "Exit: 0 done; 1 --expect found differences; 2 an error (one line on stderr).");
    cmd->add_option("source", o->source, "Session id in --db, or a JSONL or HAR file")->required();
    cmd->add_option("--db", o->db, "Database (default $RTMTAP_DB, else ./rtmtap.db)");
    cmd->add_option("--session", o->position, "Which WebSocket session of a JSONL or HAR file (1 = the first)")
        ->check(CLI::Range(1, 1'000'000));
    cmd->add_option("--listen", o->listen, "Where clients under test connect (port 0: any free port)")->capture_default_str();
    cmd->add_option("--api-listen", o->apiListen, "Also answer the recording's API calls here (HOST:PORT)");
    cmd->add_option("--speed", o->speed, "Play at this speed, 0.1 to 100")->check(CLI::Range(0.1, 100.0))->capture_default_str();
    cmd->add_flag("--no-timing", o->noTiming, "Send the server frames back to back");
    cmd->add_flag("--step", o->step, "Ask on stdin before each server frame");
    cmd->add_option("--from", o->from, "Send the frames before this seq at once, play the rest on time")
        ->check(CLI::Range(int64_t{1}, INT64_MAX));
    cmd->add_flag("--reactive", o->reactive, "Hold answers until the client sends the command they answered");
    cmd->add_flag("--loop", o->loop, "Play the recording again when it ends, until the client goes");
    cmd->add_flag("--record", o->record, "Record each replay as a new session of --db");
    cmd->add_flag("--expect", o->expect, "Serve one client, then compare its commands with the recording");
    cmd->add_flag("--json", o->json, "At the end print one JSON object (no live view)");
    cmd->add_option("--duration", o->duration, "End after this many seconds")->check(CLI::Range(0.001, 31'536'000.0));
    cmd->add_option("--auth-timeout", o->authTimeoutMs, "Drop a client that sends no ws_auth within this many ms")
        ->check(CLI::Range(1, 86'400'000))
        ->capture_default_str();
    addColorOption(*cmd, o->color);
    cmd->callback([o, &exitCode] {
        if (o->db.empty()) {
            o->db = defaultDbPath();
        }
        if (std::string bad = checkOptions(*o); !bad.empty()) {
            std::cerr << "rtmtap: " << bad << std::endl;
            exitCode = 2;
            return;
        }
        // Before any thread starts; SIGINT/SIGTERM then end the replay cleanly.
        StopSignals signals;
        exitCode = runReplayServe(*o, std::cout, std::cerr, signals);
    });
}

}  // namespace rtmtap::cli
