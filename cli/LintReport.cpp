#include "LintReport.h"

#include "JsonLintReport.h"
#include "SarifLintReport.h"
#include "TextLintReport.h"

namespace rtmtap::cli {

std::unique_ptr<LintReport> LintReport::make(Format format, std::ostream& out, bool color,
                                             std::vector<const RuleInfo*> rules) {
    switch (format) {
    case Format::Json: return std::make_unique<JsonLintReport>(out);
    case Format::Sarif: return std::make_unique<SarifLintReport>(out, std::move(rules));
    case Format::Text: break;
    }
    return std::make_unique<TextLintReport>(out, color);
}

}  // namespace rtmtap::cli
