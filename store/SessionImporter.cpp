#include "SessionImporter.h"

#include "DatabaseError.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace rtmtap {

SessionImporter::SessionImporter(const std::string& dbPath, bool keepSecrets)
    : writer_(dbPath, keepSecrets, 0) {
    writer_.begin();
    open_ = true;
    // Read inside the write lock: another writer cannot take these ids until we commit.
    nextId_ = writer_.queryFreeSessionId();
}

SessionImporter::~SessionImporter() {
    rollback();
}

int64_t SessionImporter::beginSession(const ImportedSession& session) {
    if (!open_) {
        throw std::logic_error("SessionImporter: the import is already committed or rolled back");
    }
    current_ = nextId_++;
    seq_ = 0;
    SessionInfo info = session.info;
    info.id = current_;
    writer_.write(info);
    if (session.end) {
        SessionEnd end = *session.end;
        end.id = current_;
        writer_.write(end);
    }
    if (!session.label.empty()) {
        writer_.writeLabel(current_, session.label);
    }
    ids_.push_back(current_);
    return current_;
}

void SessionImporter::addFrame(Message&& frame) {
    if (!open_ || ids_.empty()) {
        throw std::logic_error("SessionImporter: addFrame before beginSession");
    }
    frame.session = current_;
    frame.seq = ++seq_;
    writer_.write(Record(std::move(frame)));
    ++framesAdded_;
}

std::vector<int64_t> SessionImporter::commit(const TextProgress& textProgress) {
    if (!open_) {
        throw std::logic_error("SessionImporter: the import is already committed or rolled back");
    }
    writer_.commit();
    open_ = false;
    // Steps of a few hundred milliseconds: a recorder writing to the same file waits no longer.
    constexpr int64_t kStepIds = 50'000;
    int64_t covered = 0;
    try {
        for (int64_t step = writer_.indexText(kStepIds); step > 0; step = writer_.indexText(kStepIds)) {
            covered += step;
            if (textProgress) {
                textProgress(covered, std::max(covered, framesAdded_));
            }
        }
    } catch (const DatabaseError& e) {
        textIndexError_ = e.what();
    }
    return ids_;
}

void SessionImporter::rollback() noexcept {
    if (open_) {
        writer_.rollback();
        open_ = false;
    }
}

}  // namespace rtmtap
