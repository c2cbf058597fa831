#pragma once
// lint's readable output: a block per session with findings (severity, rule, session:seq, time,
// the sentence, the document section), then a summary line with counts per severity.
#include "Color.h"
#include "LintReport.h"

namespace rtmtap::cli {

// A severity as a column five wide, coloured by how bad it is (padded before colouring: escape
// sequences must not count as width). The live lines of proxy --lint use it too.
std::string severityCell(Severity s, const Palette& palette);

// A finding's sentence is shown to this many columns: it quotes recorded names, which can be a
// megabyte long (the whole sentence stays in --json and in the database).
constexpr size_t kSentenceColumns = 1000;

class TextLintReport : public LintReport {
public:
    TextLintReport(std::ostream& out, bool color) : out_(out), palette_(color) {}
    void session(const LintedSession& session) override;
    void finish(size_t sessions, const SeverityCounts& counts) override;

private:
    std::ostream& out_;
    Palette palette_;
};

}  // namespace rtmtap::cli
