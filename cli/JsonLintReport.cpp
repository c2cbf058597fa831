#include "JsonLintReport.h"

#include "store/Findings.h"
#include "view/FindingJson.h"

namespace rtmtap::cli {

void JsonLintReport::session(const LintedSession& s) {
    for (const Finding& f : s.findings) {
        out_ << view::findingJson(f, s.stored ? FindingSource::Live : FindingSource::Lint) << '\n';
    }
}

}  // namespace rtmtap::cli
