#pragma once
// The frame filter flags every command that filters frames takes (`tail`, later `query`), bound
// in one place so that they read and behave the same everywhere. Each flag is repeatable and its
// values are OR'ed (--op ping --op pong, or --op ping,pong); different flags are AND'ed.
#include "store/FrameFilter.h"

#include <CLI/CLI.hpp>

namespace rtmtap::cli {

// Adds --session, --dir, --op, --kind, --event and --command to app, filling filter as the
// command line is parsed (filter must outlive the parse). Bad values are CLI11 usage errors.
void addFrameFilterOptions(CLI::App& app, FrameFilter& filter);

}  // namespace rtmtap::cli
