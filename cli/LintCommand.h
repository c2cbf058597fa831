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
};

// 1 when a finding at or above failOn exists, else 0; 2 (one line on err) when the database
// cannot be read or a named session does not exist.
int runLint(const LintOptions& options, std::ostream& out, std::ostream& err);

// One finding as one JSON object (field names are a contract).
std::string findingJson(const Finding& finding);

}  // namespace rtmtap::cli
