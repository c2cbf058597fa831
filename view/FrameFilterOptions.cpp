#include "FrameFilterOptions.h"

#include "TimeArg.h"

#include <chrono>
#include <sstream>
#include <stdexcept>

namespace rtmtap::view {
namespace {

Kind parseKind(const std::string& text) {
    for (Kind kind : {Kind::Command, Kind::Event, Kind::Control, Kind::Other}) {
        if (text == toString(kind)) {
            return kind;
        }
    }
    throw std::invalid_argument(text);  // unreachable: CLI11 checked the value first
}

// A repeatable flag whose values may also be given comma-separated.
CLI::Option* repeatable(CLI::Option* option) {
    return option->delimiter(',')->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

void timeOption(CLI::App& app, const std::string& name, std::optional<int64_t>& target, const std::string& help) {
    addTimeOption(app, name, target, help)->group("Filters");
}

}  // namespace

const char* const kFilterHelp =
    "Filters: values of one flag are OR'ed (--op ping,pong), different flags AND'ed.\n"
    "  --event/--command take globs (chat.*); --since/--until an ISO time (2026-11-25T10:00:00Z)\n"
    "  or a span back from now (10m, 2h, 1d); --text whole words, case-insensitive, all must occur;\n"
    "  --where PATH=VALUE compares the JSON value at PATH (payload.message.id=5,\n"
    "  payload.message.text=\"a b\", a.b=null|true|false); --user is the user a frame is about.";

void addFrameFilterOptions(CLI::App& app, FrameFilter& filter, bool withSession) {
    const std::string group = "Filters";
    if (withSession) {
        repeatable(app.add_option("--session", filter.sessions, "Only frames of this session"))->group(group);
    }
    repeatable(app.add_option_function<std::vector<std::string>>(
                   "--dir",
                   [&filter](const std::vector<std::string>& values) {
                       for (const std::string& v : values) {
                           Direction dir{};
                           parseDirection(v, dir);
                           filter.dirs.push_back(dir);
                       }
                   },
                   "Only this direction: c2s (client to server) or s2c"))
        ->check(CLI::IsMember({"c2s", "s2c"}))
        ->group(group);
    repeatable(app.add_option_function<std::vector<std::string>>(
                   "--op",
                   [&filter](const std::vector<std::string>& values) {
                       for (const std::string& v : values) {
                           Opcode op{};
                           parseOpcode(v, op);
                           filter.ops.push_back(op);
                       }
                   },
                   "Only this opcode: text, binary, ping, pong or close"))
        ->check(CLI::IsMember({"text", "binary", "ping", "pong", "close"}))
        ->group(group);
    repeatable(app.add_option_function<std::vector<std::string>>(
                   "--kind",
                   [&filter](const std::vector<std::string>& values) {
                       for (const std::string& v : values) {
                           filter.kinds.push_back(parseKind(v));
                       }
                   },
                   "Only this kind: command, event, control (ping/pong/close) or other"))
        ->check(CLI::IsMember({"command", "event", "control", "other"}))
        ->group(group);
    repeatable(app.add_option("--event", filter.events, "Only events with this name; a glob such as 'chat.*'"))
        ->group(group);
    repeatable(app.add_option("--command", filter.commands, "Only commands with this name; a glob such as 'ws_*'"))
        ->group(group);
    repeatable(app.add_option("--channel", filter.channels, "Only frames about this channel id"))->group(group);
    repeatable(app.add_option("--message", filter.messages, "Only frames about this message id"))->group(group);
    repeatable(app.add_option("--user", filter.users, "Only frames about or from this user id"))->group(group);
    timeOption(app, "--since", filter.sinceUs, "Only frames recorded at or after T (ISO time, or 10m, 2h, 1d ago)");
    timeOption(app, "--until", filter.untilUs, "Only frames recorded at or before T");
    app.add_option_function<std::vector<std::string>>(
           "--text",
           [&filter](const std::vector<std::string>& values) {
               for (const std::string& value : values) {
                   std::stringstream words(value);
                   std::string word;
                   while (words >> word) {
                       filter.words.push_back(word);
                   }
               }
           },
           "Only frames whose payload holds every one of these words (full-text index)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
    app.add_option_function<std::vector<std::string>>(
           "--where",
           [&filter](const std::vector<std::string>& values) {
               for (const std::string& value : values) {
                   try {
                       filter.wheres.push_back(parseWhere(value));
                   } catch (const std::invalid_argument& e) {
                       throw CLI::ValidationError("--where", e.what());
                   }
               }
           },
           "Only frames whose JSON has VALUE at PATH: PATH=VALUE, e.g. payload.message.message_type=5")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
    app.add_flag("--malformed", filter.malformed, "Only text frames that are not valid JSON")->group(group);
    app.add_flag("--edited", filter.edited, "Only frames a filter sent in place of another (flag edited)")->group(group);
    app.add_flag("--injected", filter.injected, "Only frames an injector sent (flag injected)")->group(group);
}

void addFindingOption(CLI::App& app, FrameFilter& filter) {
    repeatable(app.add_option_function<std::vector<std::string>>(
                   "--finding",
                   [&filter](const std::vector<std::string>& values) {
                       for (const std::string& v : values) {
                           filter.findings.push_back(v == "any" ? "*" : v);
                       }
                   },
                   "Only frames with a stored lint finding of this rule (a glob, or any): recorded by "
                   "rtmtap proxy --lint, or written by rtmtap lint --store"))
        ->type_name("RULE")
        ->group("Filters");
}

}  // namespace rtmtap::view
