#pragma once
// `rtmtap lint FILE`: lints the sessions of a JSONL or HAR file as the file reader hands them
// over (store/SessionSink), one session in memory at a time at most as findings: frames go
// straight into the engine. Each session is reported when the next begins or the file ends.
#include "LintReport.h"
#include "lint/LintEngine.h"
#include "store/SessionSink.h"

#include <functional>
#include <optional>

namespace rtmtap::cli {

class LintFileSink : public SessionSink {
public:
    // line: the file line the reader is on (0 when lines mean nothing, HAR); sinceUs: sessions
    // that started earlier are skipped; done gets each checked session.
    LintFileSink(LintEngine& engine, std::string file, std::function<int64_t()> line, std::optional<int64_t> sinceUs,
                 std::function<void(LintedSession&&)> done);

    int64_t beginSession(const ImportedSession& session) override;
    void addFrame(Message&& frame) override;
    // Reports the last session. Call once after the reader returned.
    void finish();

private:
    void endCurrent();

    LintEngine& engine_;
    std::string file_;
    std::function<int64_t()> line_;
    std::optional<int64_t> sinceUs_;
    std::function<void(LintedSession&&)> done_;
    int64_t position_ = 0;  // the current session's position in the file, 1-based
    bool checking_ = false;
    int64_t seq_ = 0;
    std::optional<SessionEnd> end_;
    std::string title_;
    std::vector<int64_t> lines_;  // per seq, from 1
};

}  // namespace rtmtap::cli
