#include "FilterQuery.h"

#include "view/FrameFilterOptions.h"
#include "view/ShellWord.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <stdexcept>

namespace rtmtap::ui {
namespace {

// A switch (--malformed) is on unless its value says off.
bool switchedOn(const std::string& value) {
    return value != "0" && value != "false" && value != "off";
}

struct Parsed {
    std::vector<std::string> args;  // in order, as on a command line
};

Parsed argsOf(CLI::App& app, const QueryParams& params, const std::set<std::string>& own) {
    Parsed parsed;
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
                parsed.args.push_back("--" + name);
            }
        } else {
            // --name=value: a value that starts with a dash stays a value.
            parsed.args.push_back("--" + name + "=" + value);
        }
    }
    return parsed;
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
    Parsed parsed = argsOf(app, params, own);
    std::vector<std::string> reversed(parsed.args.rbegin(), parsed.args.rend());  // CLI11 takes them so
    try {
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
    for (const std::string& arg : argsOf(app, params, own).args) {
        size_t eq = arg.find('=');
        flags += (flags.empty() ? "" : " ") +
                 (eq == std::string::npos ? arg : arg.substr(0, eq) + " " + view::shellWord(arg.substr(eq + 1)));
    }
    return flags;
}

}  // namespace rtmtap::ui
