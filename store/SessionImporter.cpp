#include "SessionImporter.h"

#include "DatabaseError.h"

#include <stdexcept>
#include <utility>

namespace rtmtap {

SessionImporter::SessionImporter(const std::string& dbPath, bool keepSecrets)
    : writer_(dbPath, keepSecrets, 0, WriterRole::Importer) {
    writer_.begin();
    open_ = true;
    // A live recorder counts session ids in memory: ours would collide with its next ones.
    writer_.checkNotRecording();
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
    // A link to a session this database does not hold (the file came from another one) would
    // name an unrelated session or none: it is dropped.
    for (int64_t* link : {&info.replay_of, &info.derived_from}) {
        if (*link != 0 && !writer_.hasSession(*link)) {
            *link = 0;
        }
    }
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

void SessionImporter::addApiCall(RecordedApiCall&& call) {
    if (!open_ || ids_.empty()) {
        throw std::logic_error("SessionImporter: addApiCall before beginSession");
    }
    writer_.writeImportedApiCall(current_, call);
}

std::vector<int64_t> SessionImporter::commit() {
    if (!open_) {
        throw std::logic_error("SessionImporter: the import is already committed or rolled back");
    }
    writer_.commit();
    open_ = false;
    return ids_;
}

void SessionImporter::rollback() noexcept {
    if (open_) {
        writer_.rollback();
        open_ = false;
    }
}

}  // namespace rtmtap
