#pragma once
// `rtmtap lint [SESSION...] [--db F] [--json] [--fail-on info|warn|error]`: what a client or
// server did wrong in recorded sessions, from the traffic alone (lint/ has the rules). Findings
// are grouped by session; the exit code lets CI fail on them.
#include "lint/Finding.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace rtmtap::cli {

struct LintOptions {
    std::string db;
    std::vector<int64_t> sessions;  // empty: every session
    bool json = false;
    Severity failOn = Severity::Error;
    bool recheck = false;  // run the rules even on sessions whose findings proxy --lint recorded
    bool store = false;    // write the findings of the sessions checked (source "lint")
};

// 1 when a finding at or above failOn exists, else 0; 2 (one line on err) when the database
// cannot be read or a named session does not exist.
int runLint(const LintOptions& options, std::ostream& out, std::ostream& err);

// One finding as one JSON object (field names are a contract). source: "live" for a finding
// read back from what proxy --lint recorded (then a "source" field says so), else nullptr.
std::string findingJson(const Finding& finding, const char* source = nullptr);

}  // namespace rtmtap::cli
