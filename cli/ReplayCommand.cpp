// `rtmtap replay SOURCE`: plays a recorded session. Serving (default): clients under test connect
// and get the recorded server side (ReplayServe.cpp). Re-sending (--to URL): the recorded client
// side goes to a server.
#include "Commands.h"
#include "ReplayCommand.h"
#include "StopSignals.h"
#include "pg/OpenReader.h"

#include <cstdlib>
#include <iostream>
#include <memory>

namespace rtmtap::cli {

int runReplayServe(const ReplayOptions& options, std::ostream& out, std::ostream& err, StopSignals& stop);
int runReplaySend(const ReplayOptions& options, std::ostream& out, std::ostream& err, StopSignals& stop);

namespace {

// The flags of one way of playing that the other does not take.
std::string misplaced(const ReplayOptions& o, const CLI::App& cmd) {
    if (o.to.empty()) {
        for (const char* flag : {"--token", "--api", "--user", "--password", "--clients", "--ignore", "--reactive-timeout", "--timeout"}) {
            if (cmd.count(flag)) {
                return std::string(flag) + " needs --to (it is for re-sending a recording to a server)";
            }
        }
        return "";
    }
    for (const char* flag : {"--listen", "--api-listen", "--step", "--from", "--loop", "--duration", "--auth-timeout"}) {
        if (cmd.count(flag)) {
            return std::string(flag) + " is for serving a recording to a client, not for --to";
        }
    }
    return "";
}

// What the flags alone can tell, before anything is opened.
std::string checkOptions(const ReplayOptions& o, const CLI::App& cmd) {
    if (o.noTiming && o.step) {
        return "--no-timing and --step exclude each other";
    }
    if (std::string bad = misplaced(o, cmd); !bad.empty()) {
        return bad;
    }
    // A fleet database is written by `rtmtap ship` alone.
    if (o.record && isPostgresUrl(o.db)) {
        return "--record records into a local database, not PostgreSQL (replay from a file, or ship the recording "
               "afterwards)";
    }
    if (o.to.empty()) {
        return "";
    }
    const std::string usage = " (use --token T, or --api URL --user U --password P)";
    if (!o.token.empty() && !o.api.empty()) {
        return "give --token or --api, not both" + usage;
    }
    if (o.token.empty() && o.api.empty()) {
        return "--to needs a ws_token to authenticate with" + usage;
    }
    if (!o.ignore.empty() && !o.expect) {
        return "--ignore needs --expect (it says what the comparison leaves out)";
    }
    if (!o.api.empty() && (o.user.empty() || o.password.empty())) {
        return "--api needs --user and --password (or $RTMTAP_PASSWORD)" + usage;
    }
    if (o.to.rfind("ws://", 0) != 0 && o.to.rfind("wss://", 0) != 0) {
        return "--to '" + o.to + "' is not a ws:// or wss:// URL";
    }
    return "";
}

}  // namespace

void setupReplay(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<ReplayOptions>();
    CLI::App* cmd = app.add_subcommand(
        "replay", "Replay a recorded session: serve its server side to a client under test, or re-send its client side to a server (--to)");
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
        "Re-sending (--to ws://HOST:PORT/PATH): connects as the recorded client did, sends a fresh ws_auth\n"
        "(--token, or a login through --api with --user and --password; the stored token is cut), answers\n"
        "protocol pings, and sends the recorded commands at their offsets from ws_auth (--speed,\n"
        "--no-timing). --reactive holds each command until the server events that came before it in the\n"
        "recording (by name and count) have arrived, at most --reactive-timeout ms (a timeout is reported).\n"
        "Message ids the server assigns anew are mapped: recorded and live chat.postMessage events are\n"
        "paired in order per channel, and a command's message_id is replaced by the live id. At the end\n"
        "it waits up to --reactive-timeout for recorded events not yet received, then closes (1000;\n"
        "with --patch, as a rule's close by the client says).\n"
        "--expect compares the events received with the recorded ones (protocol ping/pong/close not\n"
        "counted; meta.emitted_on, created_on(_ts), last_active_on(_ts) and each --ignore PATH ignored,\n"
        "dotted, * for any one key) and prints a diff. --clients N runs N copies at once (each logs in\n"
        "with --api; with --token all share it) and reports connect and event latency p50/p90/p99/max.\n"
        "--record stores each copy as a new session of --db (sessions.replay_of).\n"
        "--patch FILE (either way): the recording is first changed by the rules of FILE, the format of\n"
        "`rtmtap proxy --rules` (drop, set, delete, delay_ms, duplicate, replace, insert_before/after,\n"
        "close), as the proxy would have changed that session live; what is played is that, and --record\n"
        "keeps the frames a rule made flagged edited or injected. Seqs (--from, --step) are the patched\n"
        "recording's. Each rule's counts are printed at the end on stderr.\n"
        "Exit: 0 done; 1 --expect found differences; 2 an error (one line on stderr).\n"
        "Examples:\n"
        "  rtmtap replay 3                                serve session 3's server side on ws://127.0.0.1:9002\n"
        "  rtmtap replay 3 --api-listen 127.0.0.1:8081 --reactive   its login API too; answers wait\n"
        "  rtmtap replay capture.har --session 2 --speed 4 --expect   a HAR's second session, 4x, then compare\n"
        "  rtmtap replay 3 --to ws://127.0.0.1:9001 --token TOKEN --expect   re-send its client side\n"
        "  rtmtap replay 3 --patch rules.jsonl --record   play it as rules change it; record each replay");
    cmd->add_option("source", o->source, "Session id in --db, or a JSONL or HAR file")->required();
    cmd->add_option("--db", o->db, "Database: a SQLite file or a postgresql:// URL (default $RTMTAP_DB, else ./rtmtap.db)");
    cmd->add_option("--session", o->position, "Which WebSocket session of a JSONL or HAR file (1 = the first)")
        ->check(CLI::Range(1, 1'000'000));
    cmd->add_option("--listen", o->listen, "Where clients under test connect (port 0: any free port)")->capture_default_str();
    cmd->add_option("--api-listen", o->apiListen, "Also answer the recording's API calls here (HOST:PORT)");
    cmd->add_option("--speed", o->speed, "Play at this speed, 0.1 to 100")->check(CLI::Range(0.1, 100.0))->capture_default_str();
    cmd->add_flag("--no-timing", o->noTiming, "Send the server frames (--to: the commands) back to back");
    cmd->add_flag("--step", o->step, "Ask on stdin before each server frame");
    cmd->add_option("--from", o->from, "Send the frames before this seq at once, play the rest on time")
        ->check(CLI::Range(int64_t{1}, INT64_MAX));
    cmd->add_flag("--reactive", o->reactive,
                 "Hold answers until the client sends the command they answered (--to: hold each command until the "
                 "server events before it came)");
    cmd->add_flag("--loop", o->loop, "Play the recording again when it ends, until the client goes");
    cmd->add_flag("--record", o->record, "Record each replay (--to: each client) as a new session of --db");
    cmd->add_flag("--expect", o->expect,
                 "Serve one client, then compare its commands with the recording (--to: compare the events received)");
    cmd->add_flag("--json", o->json, "At the end print one JSON object (no live view)");
    cmd->add_option("--duration", o->duration, "End after this many seconds")->check(CLI::Range(0.001, 31'536'000.0));
    cmd->add_option("--auth-timeout", o->authTimeoutMs, "Drop a client that sends no ws_auth within this many ms")
        ->check(CLI::Range(1, 86'400'000))
        ->capture_default_str();
    cmd->add_option("--to", o->to, "Re-send the recorded client side to this server (ws:// or wss://)");
    cmd->add_option("--token", o->token, "--to: the ws_token to send in ws_auth (shared by every client)");
    cmd->add_option("--api", o->api, "--to: log in through this AirSend API for a fresh ws_token (each client)");
    cmd->add_option("--user", o->user, "--to: login name for --api, e.g. user1@example.test");
    cmd->add_option("--password", o->password, "--to: password for --api (default: $RTMTAP_PASSWORD)");
    cmd->add_option("--clients", o->clients, "--to: run this many copies at once")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd->add_option("--ignore", o->ignore, "--to --expect: also ignore this dotted path of the events (repeatable)");
    cmd->add_option("--reactive-timeout", o->reactiveTimeoutMs, "--to: longest wait for the server events a command or the end waits for, ms")
        ->check(CLI::Range(1, 3'600'000))
        ->capture_default_str();
    cmd->add_option("--timeout", o->timeoutMs, "--to: connect, login and handshake timeout, ms")
        ->check(CLI::Range(1, 3'600'000))
        ->capture_default_str();
    cmd->add_option("--patch", o->patch,
                    "Play the recording as the rules in this JSONL file change it (the format of proxy --rules)");
    addColorOption(*cmd, o->color);
    cmd->callback([o, cmd, &exitCode] {
        if (o->db.empty()) {
            o->db = defaultDbPath();
        }
        if (o->password.empty() && !o->api.empty()) {
            const char* env = std::getenv("RTMTAP_PASSWORD");
            o->password = env ? env : "";
        }
        if (std::string bad = checkOptions(*o, *cmd); !bad.empty()) {
            std::cerr << "rtmtap: " << bad << std::endl;
            exitCode = 2;
            return;
        }
        // Before any thread starts; SIGINT/SIGTERM then end the replay cleanly.
        StopSignals signals;
        exitCode = o->to.empty() ? runReplayServe(*o, std::cout, std::cerr, signals)
                                 : runReplaySend(*o, std::cout, std::cerr, signals);
    });
}

}  // namespace rtmtap::cli
