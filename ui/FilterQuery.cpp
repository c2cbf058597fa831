#include "FilterQuery.h"

#include "view/FrameFilterOptions.h"
#include "view/ShellWord.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace rtmtap::ui {
namespace {

// A switch (--malformed) is on unless its value says off.
bool switchedOn(const std::string& value) {
    return value != "0" && value != "false" && value != "off";
}

// One filter as on a command line.
struct FlagArg {
    std::string flag;                  // "--event"
    std::optional<std::string> value;  // "chat.*"; none for a switch
};

// The filters in order, as on a command line.
std::vector<FlagArg> argsOf(CLI::App& app, const QueryParams& params, const std::set<std::string>& own) {
    std::vector<FlagArg> args;
    for (const auto& [name, value] : params) {
        if (own.count(name)) {
            continue;
        }
        const CLI::Option* option = name.empty() ? nullptr : app.get_option_no_throw("--" + name);
        if (!option) {
            std::string known;
            for (const CLI::Option* o : app.get_options()) {
                if (!o->get_lnames().empty()) {
                    known += (known.empty() ? "" : ", ") + o->get_lnames().front();
                }
            }
            throw std::invalid_argument("unknown parameter '" + name + "' (the filters are " + known + ")");
        }
        // A flag expects no value (its type size is CLI11's default, not 0).
        if (option->get_expected_max() == 0) {
            if (switchedOn(value)) {
                args.push_back({"--" + name, std::nullopt});
            }
        } else {
            args.push_back({"--" + name, value});
        }
    }
    return args;
}

// The filters of `rtmtap query`, without CLI11's --help (a parameter "help" is not a filter).
void addFilters(CLI::App& app, FrameFilter& filter) {
    app.set_help_flag();
    view::addFrameFilterOptions(app, filter);
    view::addFindingOption(app, filter);
}

}  // namespace

FrameFilter frameFilterOf(const QueryParams& params, const std::set<std::string>& own) {
    FrameFilter filter;
    CLI::App app("filters");
    addFilters(app, filter);
    std::vector<std::string> words;
    for (const FlagArg& arg : argsOf(app, params, own)) {
        // --name=value: a value that starts with a dash stays a value.
        words.push_back(arg.value ? arg.flag + "=" + *arg.value : arg.flag);
    }
    std::vector<std::string> reversed(words.rbegin(), words.rend());  // CLI11 takes them so
    try {
        // Each word alone first: of a value that holds none ("", ",", "[]") CLI11 takes the next
        // word for the value (text=&since=x filtered for the word --since=x).
        for (const std::string& word : words) {
            FrameFilter scratch;
            CLI::App alone("filter");
            addFilters(alone, scratch);
            alone.parse(std::vector<std::string>{word});
        }
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        throw std::invalid_argument(e.what());
    }
    return filter;
}

std::string filterFlags(const QueryParams& params, const std::set<std::string>& own) {
    FrameFilter unused;
    CLI::App app("filters");
    addFilters(app, unused);
    std::string flags;
    for (const FlagArg& arg : argsOf(app, params, own)) {
        flags += (flags.empty() ? "" : " ") + arg.flag + (arg.value ? " " + view::shellWord(*arg.value) : "");
    }
    return flags;
}

}  // namespace rtmtap::ui
