#pragma once
// lint --json: one JSON object per finding, a line each, no summary (field names are a contract:
// README).
#include "LintReport.h"

namespace rtmtap::cli {

class JsonLintReport : public LintReport {
public:
    explicit JsonLintReport(std::ostream& out) : out_(out) {}
    void session(const LintedSession& session) override;
    void finish(size_t, const SeverityCounts&) override {}


private:
    std::ostream& out_;
};

}  // namespace rtmtap::cli
