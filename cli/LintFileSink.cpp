#include "LintFileSink.h"

#include <utility>

namespace rtmtap::cli {

LintFileSink::LintFileSink(LintEngine& engine, std::string file, std::function<int64_t()> line,
                           std::optional<int64_t> sinceUs, std::function<void(LintedSession&&)> done)
    : engine_(engine), file_(std::move(file)), line_(std::move(line)), sinceUs_(sinceUs), done_(std::move(done)) {}

int64_t LintFileSink::beginSession(const ImportedSession& session) {
    endCurrent();
    ++position_;
    checking_ = !sinceUs_ || session.info.started_wall_us >= *sinceUs_;
    seq_ = 0;
    end_ = session.end;
    title_ = session.info.client.empty() ? session.info.upstream : session.info.client + " -> " + session.info.upstream;
    lines_.clear();
    if (checking_) {
        engine_.startSession(position_, session.info.started_wall_us);
    }
    return position_;
}

void LintFileSink::addFrame(Message&& frame) {
    if (!checking_) {
        return;
    }
    frame.session = position_;
    frame.seq = ++seq_;
    lines_.push_back(line_ ? line_() : 0);
    engine_.onMessage(frame);
}

void LintFileSink::endCurrent() {
    if (!checking_) {
        return;
    }
    checking_ = false;
    LintSessionEnd end;
    if (end_) {
        end.ended = true;
        end.ended_wall_us = end_->ended_wall_us;
        if (end_->close_code >= 0) {
            end.close_code = end_->close_code;
        }
        end.closed_by = end_->closed_by;
        end.error = end_->error;
    }
    LintedSession session;
    session.id = position_;
    session.title = title_;
    session.artifact = file_;
    session.findings = engine_.endSession(end);
    session.lineOf = [lines = std::move(lines_)](int64_t seq) {
        return seq >= 1 && static_cast<size_t>(seq) <= lines.size() ? lines[static_cast<size_t>(seq - 1)] : 0;
    };
    lines_ = {};
    done_(std::move(session));
}

void LintFileSink::finish() {
    endCurrent();
}

}  // namespace rtmtap::cli
