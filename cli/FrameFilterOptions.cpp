#include "FrameFilterOptions.h"

#include <stdexcept>

namespace rtmtap::cli {
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

}  // namespace

void addFrameFilterOptions(CLI::App& app, FrameFilter& filter) {
    const std::string group = "Filters";
    repeatable(app.add_option("--session", filter.sessions, "Only frames of this session"))->group(group);
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
    app.add_option("--event", filter.events, "Only events with this name; a glob such as 'chat.*' (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
    app.add_option("--command", filter.commands, "Only commands with this name; a glob such as 'ws_*' (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
}

}  // namespace rtmtap::cli
