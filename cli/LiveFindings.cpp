#include "LiveFindings.h"

#include "TextLintReport.h"
#include "store/JsonOut.h"
#include "view/TerminalText.h"

#include <cstdio>
#include <utility>

namespace rtmtap::cli {

std::string liveFindingLine(const Finding& f, const Palette& palette) {
    // Padded before colouring: escape sequences must not count as width.
    char where[48], rule[32];
    std::snprintf(where, sizeof where, "%lld:%-5lld", static_cast<long long>(f.session), static_cast<long long>(f.seq));
    std::snprintf(rule, sizeof rule, "%-24s", f.rule.c_str());
    return "lint  " + palette.dim(isoUtc(f.wall_us)) + "  " + where + "  " + severityCell(f.severity, palette) + "  " +
           palette.bold(rule) + "  " + terminalLine(f.sentence, kSentenceColumns);
}

LiveFindings::LiveFindings(Recorder& recorder, std::ostream& out, std::ostream& err, Palette palette)
    : recorder_(recorder), out_(out), err_(err), palette_(palette) {}

void LiveFindings::onFindings(int64_t session, std::vector<Finding> findings) {
    std::string lines;
    for (const Finding& f : findings) {
        lines += liveFindingLine(f, palette_) + "\n";
    }
    {
        std::lock_guard<std::mutex> lock(outMutex_);
        out_ << lines << std::flush;  // live: a pipe reader sees each finding as it happens
    }
    FindingBatch batch;
    batch.session = session;
    batch.source = FindingSource::Live;
    batch.findings = std::move(findings);
    recorder_.recordFindings(std::move(batch));
}

void LiveFindings::onSessionDropped(int64_t session, Drop why, const std::string& detail) {
    FindingBatch forget;
    forget.session = session;
    forget.source = FindingSource::Live;
    forget.replace = true;
    recorder_.recordFindings(std::move(forget));
    if (why == Drop::RuleFailed) {
        std::lock_guard<std::mutex> lock(errMutex_);
        err_ << "rtmtap: --lint: a rule failed on session " << session << " (" << detail
             << "): it is not linted live from here on; rtmtap lint " << session << " checks it from the recording"
             << std::endl;
    }
}

void LiveFindings::onBehind(size_t heldBytes) {
    std::lock_guard<std::mutex> lock(errMutex_);
    err_ << "rtmtap: --lint is behind the traffic (" << (heldBytes >> 20)
         << " MiB of frames waiting): new frames are not linted live until it catches up; rtmtap lint checks "
            "those sessions from the recording"
         << std::endl;
}

}  // namespace rtmtap::cli
