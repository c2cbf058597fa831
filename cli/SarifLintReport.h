#pragma once
// lint --sarif: one SARIF 2.1.0 log (OASIS), so CI systems that show static-analysis results show
// traffic findings too. Each rule is a reportingDescriptor (summary, rationale, example, the
// document section); each finding a result whose physical location is the frame's line in the
// JSONL export of its session (the input file, or what `rtmtap export SESSION` writes) and whose
// logical location is "session:seq". Written whole at finish(): SARIF is one JSON document.
#include "LintReport.h"

namespace rtmtap::cli {

class SarifLintReport : public LintReport {
public:
    SarifLintReport(std::ostream& out, std::vector<const RuleInfo*> rules) : out_(out), rules_(std::move(rules)) {}
    void session(const LintedSession& session) override;
    void finish(size_t sessions, const SeverityCounts& counts) override;

private:
    std::string result(const LintedSession& session, const Finding& finding) const;
    std::string driver() const;

    std::ostream& out_;
    std::vector<const RuleInfo*> rules_;
    std::vector<std::string> results_;
};

}  // namespace rtmtap::cli
