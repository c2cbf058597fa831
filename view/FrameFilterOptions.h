#pragma once
// The frame filter flags every command that filters frames takes (query, show, tail), bound in
// one place so that they read and behave the same everywhere. Each flag is repeatable and its
// values are OR'ed (--op ping --op pong, or --op ping,pong); different flags are AND'ed.
#include "store/FrameFilter.h"

#include <CLI/CLI.hpp>

namespace rtmtap::view {

// Adds --session (unless withSession is false: `show` names its session), --dir, --op, --kind,
// --event, --command, --channel, --message, --user, --since, --until, --text, --where and
// --malformed to app, filling filter as the command line is parsed (filter must outlive the
// parse). Bad values are CLI11 usage errors naming the flag.
void addFrameFilterOptions(CLI::App& app, FrameFilter& filter, bool withSession = true);

// Adds --finding RULE (query and show: frames a stored lint finding is about; tail and intercept
// see frames before lint has judged them). "any" stands for every rule; RULE may be a glob.
void addFindingOption(CLI::App& app, FrameFilter& filter);

// The text of --filters-help: what the filters mean, for a command's footer.
extern const char* const kFilterHelp;

}  // namespace rtmtap::view
