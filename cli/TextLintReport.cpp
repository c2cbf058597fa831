#include "TextLintReport.h"

#include "store/JsonOut.h"
#include "view/TerminalText.h"

#include <cstdio>

namespace rtmtap::cli {
namespace {

std::string secondsText(int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+%.3f s", static_cast<double>(us) / 1e6);
    return buf;
}

std::string padded(std::string text, size_t width) {
    if (text.size() < width) {
        text.append(width - text.size(), ' ');
    }
    return text;
}

std::string plural(int64_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string severityCell(Severity s, const Palette& palette) {
    std::string text = padded(toString(s), 5);
    switch (s) {
    case Severity::Error: return palette.error(text);
    case Severity::Warn: return palette.warn(text);
    case Severity::Info: return palette.dim(text);
    }
    return text;
}

void TextLintReport::session(const LintedSession& s) {
    if (s.findings.empty()) {
        return;
    }
    out_ << palette_.bold("session " + std::to_string(s.id));
    if (!s.title.empty()) {
        out_ << "  " << terminalLine(s.title, 400);
    }
    out_ << "  (" << plural(static_cast<int64_t>(s.findings.size()), "finding") << ")\n";
    if (s.stored) {
        out_ << "  " << palette_.dim("(recorded live by rtmtap proxy --lint; --recheck runs the rules again)") << '\n';
    }
    for (const Finding& f : s.findings) {
        std::string where = f.seq > 0 ? std::to_string(f.session) + ":" + std::to_string(f.seq)
                                      : std::to_string(f.session);
        out_ << "  " << severityCell(f.severity, palette_) << ' ' << palette_.bold(padded(f.rule, 20)) << ' ' << padded(where, 10)
             << ' ' << palette_.dim(isoUtc(f.wall_us) + (f.seq > 0 ? " (" + secondsText(f.t_us) + ")" : "")) << '\n'
             << "        " << terminalLine(f.sentence, kSentenceColumns) << '\n';
        if (!f.section.empty()) {
            out_ << "        " << palette_.dim(terminalSafe(f.section)) << '\n';
        }
    }
}

void TextLintReport::finish(size_t sessions, const SeverityCounts& counts) {
    int64_t total = counts[0] + counts[1] + counts[2];
    out_ << plural(static_cast<int64_t>(sessions), "session") << " checked, " << plural(total, "finding") << ": "
         << (counts[2] ? palette_.error(std::to_string(counts[2]) + " error") : "0 error") << ", "
         << (counts[1] ? palette_.warn(std::to_string(counts[1]) + " warn") : "0 warn") << ", " << counts[0]
         << " info\n";
}

}  // namespace rtmtap::cli
