#pragma once
// `rtmtap lint [SESSION...|FILE] [--db F] [--since T] [--rules LIST] [--json|--sarif]
// [--fail-on info|warn|error] [--recheck] [--store] [--explain RULE]`: what a client or server did wrong in recorded
// sessions (a database, or a JSONL/HAR file), from the traffic alone (lint/ has the rules).
// Findings are grouped by session; the exit code lets CI fail on them. Sessions recorded with
// `proxy --lint` have their findings read back (cli/LintStore) unless --recheck.
#include "Color.h"
#include "LintReport.h"
#include "lint/Finding.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace rtmtap::cli {

struct LintOptions {
    std::string db;
    std::vector<int64_t> sessions;  // empty: every session
    std::string file;               // a JSONL or HAR file instead of the database
    std::optional<int64_t> sinceUs;  // sessions that started at or after this wall time
    std::vector<std::string> rules;  // empty: every rule
    LintReport::Format format = LintReport::Format::Text;
    ColorMode color = ColorMode::Auto;
    Severity failOn = Severity::Error;
    bool recheck = false;  // run the rules even on sessions whose findings proxy --lint recorded
    bool store = false;    // write the findings of the sessions checked (source "lint")
};

// 1 when a finding at or above failOn exists, else 0; 2 (one line on err) when the input cannot
// be read, a named session does not exist or a rule is unknown.
int runLint(const LintOptions& options, std::ostream& out, std::ostream& err);

// `--explain RULE`: the rule's summary, severity, section, rationale and example; "all" lists
// every rule. 2 (one line on err) for a rule lint does not have.
int runExplain(const std::string& rule, std::ostream& out, std::ostream& err);

}  // namespace rtmtap::cli
