#pragma once
// How `rtmtap lint` shows what it found: readable text (colour on a terminal, one block per
// session, a summary), one JSON object a line, or one SARIF 2.1.0 log. Sessions are handed over
// one at a time as they are checked, so the text and JSON forms print as they go.
#include "lint/Finding.h"
#include "lint/RuleInfo.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace rtmtap::cli {

// One checked session and where its frames can be found again.
struct LintedSession {
    int64_t id = 0;             // the database's id, or the session's position in a file
    std::string title;          // "127.0.0.1:53122 -> ws://host:9001/, user 91010006"
    std::string artifact;       // the JSONL file its frames are lines of: the input file, or
                                // "session-12.jsonl" as `rtmtap export 12` writes it
    std::function<int64_t(int64_t seq)> lineOf;  // the frame's line in artifact (0: unknown;
                                                 // empty when the report places no lines)
    std::vector<Finding> findings;
    bool stored = false;        // the findings were recorded live (proxy --lint), not re-checked
};

using SeverityCounts = std::array<int64_t, 3>;  // per Severity

class LintReport {
public:
    enum class Format { Text, Json, Sarif };

    // rules: every rule that ran, for SARIF's rule table. color: text only.
    static std::unique_ptr<LintReport> make(Format format, std::ostream& out, bool color,
                                            std::vector<const RuleInfo*> rules);
    virtual ~LintReport() = default;
    virtual void session(const LintedSession& session) = 0;
    virtual void finish(size_t sessions, const SeverityCounts& counts) = 0;
};

}  // namespace rtmtap::cli
