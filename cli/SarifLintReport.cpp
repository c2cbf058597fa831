#include "SarifLintReport.h"

#include "store/JsonObject.h"
#include "store/JsonOut.h"

namespace rtmtap::cli {
namespace {

// SARIF's levels (3.27.10): error, warning, note.
const char* level(Severity s) {
    switch (s) {
    case Severity::Error: return "error";
    case Severity::Warn: return "warning";
    case Severity::Info: return "note";
    }
    return "warning";
}

std::string text(std::string_view value) {
    return JsonObject().string("text", value).str();
}

std::string joined(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        out += (i ? "," : "") + items[i];
    }
    return out + "]";
}

}  // namespace

std::string SarifLintReport::driver() const {
    std::vector<std::string> rules;
    for (const RuleInfo* r : rules_) {
        rules.push_back(JsonObject()
                            .string("id", r->id)
                            .raw("shortDescription", text(r->summary))
                            .raw("fullDescription", text(r->rationale))
                            .raw("help", text(std::string("Example:\n") + r->example))
                            .raw("defaultConfiguration", JsonObject().string("level", level(r->severity)).str())
                            .raw("properties", JsonObject().string("section", r->section).str())
                            .str());
    }
    return JsonObject()
        .string("name", "rtmtap lint")
        .string("semanticVersion", "0.1.0")
        .raw("rules", joined(rules))
        .str();
}

std::string SarifLintReport::result(const LintedSession& s, const Finding& f) const {
    int64_t ruleIndex = -1;
    for (size_t i = 0; i < rules_.size(); ++i) {
        if (f.rule == rules_[i]->id) {
            ruleIndex = static_cast<int64_t>(i);
        }
    }
    JsonObject physical;
    physical.raw("artifactLocation", JsonObject().string("uri", s.artifact).str());
    int64_t line = s.lineOf && f.seq > 0 ? s.lineOf(f.seq) : 0;
    if (line > 0) {
        physical.raw("region", JsonObject().number("startLine", line).str());
    }
    std::string name = f.seq > 0 ? std::to_string(f.session) + ":" + std::to_string(f.seq) : std::to_string(f.session);
    std::string logical = JsonObject()
                              .string("name", name)
                              .string("fullyQualifiedName", "session " + std::to_string(f.session) +
                                                                (f.seq > 0 ? " frame " + std::to_string(f.seq) : ""))
                              .string("kind", "object")
                              .str();
    JsonObject out;
    out.string("ruleId", f.rule);
    if (ruleIndex >= 0) {
        out.number("ruleIndex", ruleIndex);
    }
    return out.string("level", level(f.severity))
        .raw("message", text(f.sentence))
        .raw("locations", "[" + JsonObject().raw("physicalLocation", physical.str()).raw("logicalLocations", "[" + logical + "]").str() + "]")
        .raw("properties", JsonObject()
                               .number("session", f.session)
                               .number("seq", f.seq)
                               .string("at", isoUtc(f.wall_us))
                               .string("section", f.section)
                               .string("source", s.stored ? "live" : "lint")
                               .str())
        .str();
}

void SarifLintReport::session(const LintedSession& s) {
    for (const Finding& f : s.findings) {
        results_.push_back(result(s, f));
    }
}

void SarifLintReport::finish(size_t, const SeverityCounts&) {
    std::string run = JsonObject()
                          .raw("tool", JsonObject().raw("driver", driver()).str())
                          .raw("results", joined(results_))
                          .str();
    out_ << JsonObject()
                .string("$schema", "https://json.schemastore.org/sarif-2.1.0.json")
                .string("version", "2.1.0")
                .raw("runs", "[" + run + "]")
                .str()
         << '\n';
}

}  // namespace rtmtap::cli
