#include "JsonLintReport.h"

#include "store/JsonObject.h"
#include "store/JsonOut.h"

namespace rtmtap::cli {

std::string JsonLintReport::findingJson(const Finding& f, bool stored) {
    return JsonObject()
        .string("rule", f.rule)
        .string("severity", toString(f.severity))
        .number("session", f.session)
        .number("seq", f.seq)
        .number("t_us", f.t_us)
        .string("at", isoUtc(f.wall_us))
        .string("sentence", f.sentence)
        .string("section", f.section)
        .string("source", stored ? "live" : "lint")
        .str();
}

void JsonLintReport::session(const LintedSession& s) {
    for (const Finding& f : s.findings) {
        out_ << findingJson(f, s.stored) << '\n';
    }
}

}  // namespace rtmtap::cli
