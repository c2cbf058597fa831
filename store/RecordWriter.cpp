#include "RecordWriter.h"

#include <pthread.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace rtmtap {
namespace {

// SQLite refuses this record itself (too big, a constraint): retrying cannot help, the rest of
// the batch can still be written.
bool refusesTheRecord(int code) {
    switch (code & 0xff) {
    case SQLITE_TOOBIG:
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return true;
    default:
        return false;
    }
}

int64_t sessionOf(const Record& record) {
    if (const auto* m = std::get_if<Message>(&record)) {
        return m->session;
    }
    if (const auto* b = std::get_if<MessageBatch>(&record)) {
        return (*b)->empty() ? 0 : (*b)->front().session;
    }
    if (const auto* i = std::get_if<SessionInfo>(&record)) {
        return i->id;
    }
    if (const auto* e = std::get_if<SessionEnd>(&record)) {
        return e->id;
    }
    if (const auto* g = std::get_if<GapRow>(&record)) {
        return g->session;
    }
    if (const auto* found = std::get_if<FindingBatch>(&record)) {
        return found->session;
    }
    return 0;
}

}  // namespace

RecordWriter::RecordWriter(const RecorderOptions& options, RecordQueue& queue, GapLedger* gaps)
    : options_(options), queue_(queue), gaps_(gaps),
      writer_(std::make_unique<FrameWriter>(options.dbPath, options.keepSecrets, options.maxDbBytes, WriterRole::Recorder)),
      firstFreeSessionId_(writer_->firstFreeSessionId()), stall_(options.dbPath) {}

RecordWriter::~RecordWriter() = default;

void RecordWriter::closeDatabase() {
    writer_.reset();
    orphan_.reset();
}

std::string RecordWriter::behindReason() const {
    std::lock_guard<std::mutex> lock(reasonMutex_);
    return reason_;
}

void RecordWriter::run() {
    pthread_setname_np(pthread_self(), "rtmtap-writer");
    // Below the relay threads' priority: on a busy machine the queue absorbs a burst while the
    // relay keeps full speed, and the writer catches up when the cores are free. A full queue
    // pauses the senders (or, with --when-behind relay, stops recording), so the writer is never
    // starved for long.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
    std::vector<Record> work;
    textBehind_ = options_.textIndex;
    nextFileCheck_ = Clock::now() + std::chrono::milliseconds(options_.fileCheckMs);
    for (;;) {
        if (stall_.stalled()) {
            if (!waitToRetry()) {
                return;  // given up at exit
            }
            commit();  // the whole batch again, in a new transaction
            continue;
        }
        work.clear();
        bool more = queue_.take(work, nextWake(), batch_.open);
        Clock::time_point now = Clock::now();
        if (now >= nextFileCheck_) {
            checkFile();
        }
        if (more && work.empty() && batch_.entries == 0 && textBehind_ && now >= nextTextStep_) {
            indexText();
            continue;
        }
        for (Record& record : work) {
            add(std::move(record));
            if (!stall_.stalled() && batch_.rows >= options_.batchRows) {
                commit();
            }
        }
        // entries, not records: a batch whose only record SQLite refused must still be completed.
        const bool pending = batch_.entries > 0;
        const bool due = pending && now >= batch_.started + std::chrono::milliseconds(options_.commitIntervalMs);
        if (!stall_.stalled() && pending && (due || !more || queue_.commitWanted())) {
            commit();
        }
        if (!more && !stall_.stalled() && batch_.entries == 0) {
            return;
        }
    }
}

// The batch's commit time, the next text step when idle, and the next file check.
std::optional<RecordWriter::Clock::time_point> RecordWriter::nextWake() const {
    Clock::time_point wake = nextFileCheck_;
    if (batch_.entries > 0) {
        wake = std::min(wake, batch_.started + std::chrono::milliseconds(options_.commitIntervalMs));
    } else if (textBehind_) {
        wake = std::min(wake, nextTextStep_);  // idle time goes to the text index, paced
    }
    return wake;
}

void RecordWriter::add(Record&& record) {
    if (batch_.entries == 0) {
        batch_.started = Clock::now();
    }
    batch_.entries += 1;
    batch_.rows += RecordQueue::rows(record);
    batch_.bytes += RecordQueue::cost(record);
    batch_.records.push_back(std::move(record));
    if (!stall_.stalled()) {
        writePending();
    }
}

// Brings the open transaction up to date with the batch, opening one (and a file) if needed.
bool RecordWriter::writePending() {
    std::optional<size_t> current;
    try {
        if (!batch_.open) {
            ensureWriter();
            writer_->begin();
            batch_.open = true;
            batch_.written = 0;
        }
        while (batch_.written < batch_.records.size()) {
            current = batch_.written;
            writer_->write(batch_.records[batch_.written]);
            ++batch_.written;
        }
        return true;
    } catch (const std::exception& e) {
        failed(e, current);
        return false;
    }
}

void RecordWriter::commit() {
    if (!writePending()) {
        return;
    }
    if (options_.testCommitDelayMs > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(options_.testCommitDelayMs));
    }
    try {
        writer_->commit();
        batch_.open = false;
    } catch (const std::exception& e) {
        failed(e, std::nullopt);
        return;
    }
    if (writer_->fileMoved()) {
        // Committed into a file nobody can open any more (or that now has another name): the
        // batch stays, and the next commit (due at once) writes it into a new file at the path.
        abandonFile();
        return;
    }
    succeeded();
}

void RecordWriter::succeeded() {
    written_ += batch_.rows - batch_.refusedRows;
    trackLiveSessions();
    if (stall_.stalled()) {
        stall_.recovered(queue_.heldRows());
        std::lock_guard<std::mutex> lock(reasonMutex_);
        reason_.clear();
    }
    if (batch_.rows > 0) {
        textBehind_ = options_.textIndex;
    }
    queue_.complete(batch_.entries, batch_.rows, batch_.bytes);
    batch_ = Batch{};
    queueGaps();
}

// The transaction is rolled back (SQLite may have done so already); the records stay in the batch.
void RecordWriter::failed(const std::exception& e, std::optional<size_t> recordIndex) {
    if (writer_) {
        writer_->rollback();
    }
    batch_.open = false;
    batch_.written = 0;
    const auto* db = dynamic_cast<const DatabaseError*>(&e);
    if (db && recordIndex && refusesTheRecord(db->code())) {
        refuse(*recordIndex, db->sqliteMessage());
        return;
    }
    const WriteStall::Kind kind = db ? WriteStall::classify(*db, options_.dbPath) : WriteStall::Kind::Other;
    // Without a writer the error came from creating the file: its full text names the file.
    const std::string detail = db && writer_ ? db->sqliteMessage() : std::string(e.what());
    const bool first = !stall_.stalled();
    stall_.failed(kind, detail, queue_.heldRows());
    stalls_ += first ? 1 : 0;
    std::lock_guard<std::mutex> lock(reasonMutex_);
    reason_ = stall_.reason();
}

// One record SQLite will never take: it alone is left out, said and counted.
void RecordWriter::refuse(size_t index, const std::string& why) {
    const size_t rows = RecordQueue::rows(batch_.records[index]);
    std::fprintf(stderr, "rtmtap: database '%s' refused a record of session %lld: %s (%zu records not written)\n",
                 options_.dbPath.c_str(), static_cast<long long>(sessionOf(batch_.records[index])), why.c_str(), rows);
    batch_.refusedRows += rows;
    lost_ += rows;
    batch_.records.erase(batch_.records.begin() + static_cast<std::ptrdiff_t>(index));
}

// The pause before the next attempt. At close the refusals are retried for exitWaitMs, then
// given up: false.
bool RecordWriter::waitToRetry() {
    const Clock::time_point now = Clock::now();
    const Clock::time_point next = now + stall_.backoff();
    if (queue_.closed()) {
        if (batch_.entries == 0 && queue_.heldRows() == 0) {
            return false;  // nothing left that the database would have to take
        }
        if (!closedAt_) {
            closedAt_ = now;
            std::fprintf(stderr, "rtmtap: stopping: %zu records wait for database '%s' (%s); giving up in %.0f s\n",
                         queue_.heldRows(), options_.dbPath.c_str(), stall_.reason().c_str(), options_.exitWaitMs / 1000.0);
        }
        const Clock::time_point giveUpAt = *closedAt_ + std::chrono::milliseconds(options_.exitWaitMs);
        if (now >= giveUpAt) {
            giveUp();
            return false;
        }
        std::this_thread::sleep_until(std::min(next, giveUpAt));
    } else {
        queue_.sleepUnlessClosed(next);
    }
    if (Clock::now() >= nextFileCheck_) {
        checkFile();
    }
    return true;
}

void RecordWriter::giveUp() {
    std::vector<Record> rest;
    while (queue_.take(rest, Clock::now(), false)) {
    }
    size_t restRows = 0;
    size_t bytes = batch_.bytes;
    for (const Record& record : rest) {
        restRows += RecordQueue::rows(record);
        bytes += RecordQueue::cost(record);
    }
    const size_t notWritten = batch_.rows - batch_.refusedRows + restRows;
    lost_ += notWritten;
    std::fprintf(stderr, "rtmtap: gave up on database '%s' at exit: %zu records not written (%s)\n",
                 options_.dbPath.c_str(), notWritten, stall_.reason().c_str());
    queue_.complete(batch_.entries + rest.size(), batch_.rows + restRows, bytes);
    batch_ = Batch{};
}

void RecordWriter::checkFile() {
    nextFileCheck_ = Clock::now() + std::chrono::milliseconds(options_.fileCheckMs);
    if (!writer_ || !writer_->fileMoved()) {
        return;
    }
    abandonFile();
    // Created now, not at the next record: `rtmtap tail` and the sqlite3 shell find the file again.
    commit();
}

// The file at the path is no longer the one this connection writes (removed or renamed).
void RecordWriter::abandonFile() {
    if (batch_.open) {
        writer_->rollback();
        batch_.open = false;
    }
    batch_.written = 0;
    std::fprintf(stderr, "rtmtap: database file '%s' was removed or renamed: recording goes on in a new file there\n",
                 options_.dbPath.c_str());
    orphan_ = std::move(writer_);
    ++switches_;
}

void RecordWriter::ensureWriter() {
    if (writer_) {
        return;
    }
    writer_ = std::make_unique<FrameWriter>(options_.dbPath, options_.keepSecrets, options_.maxDbBytes,
                                            WriterRole::Recorder);
    carryOverSessions();
}

// The sessions still live keep their rows (client, upstream, headers, ws_auth claims) in the new
// file, so their next frames belong to a session there; what was recorded before stays in the old.
void RecordWriter::carryOverSessions() {
    if (!orphan_) {
        return;
    }
    const std::vector<int64_t> ids(live_.begin(), live_.end());
    try {
        orphan_->copySessionsTo(options_.dbPath, ids);
        std::fprintf(stderr, "rtmtap: new database file '%s': %zu live sessions carried over\n",
                     options_.dbPath.c_str(), ids.size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "rtmtap: new database file '%s': the %zu live sessions' rows could not be copied (%s)\n",
                     options_.dbPath.c_str(), ids.size(), e.what());
    }
    orphan_.reset();
}

void RecordWriter::trackLiveSessions() {
    for (const Record& record : batch_.records) {
        if (const auto* info = std::get_if<SessionInfo>(&record)) {
            live_.insert(info->id);
        } else if (const auto* end = std::get_if<SessionEnd>(&record)) {
            live_.erase(end->id);
        }
    }
}

// One step of the full-text index (store/TextIndex.h), taken only when no record waits: a step
// holds the writer for a few milliseconds, and records that come meanwhile queue up. Steps are
// paced to a fifth of the writer's time at most: between bursts the writer would otherwise spend
// every idle moment tokenising, and on two cores that slows the relay (bench: burst 0.54x of
// direct unpaced, against 0.64x without a text index).
void RecordWriter::indexText() {
    constexpr int64_t kStepIds = 2'000;
    constexpr int kPaceFactor = 4;
    constexpr auto kCaughtUpPause = std::chrono::milliseconds(250);
    constexpr auto kBusyPause = std::chrono::seconds(1);
    try {
        ensureWriter();
        Clock::time_point started = Clock::now();
        textBehind_ = writer_->indexText(kStepIds) == kStepIds;
        Clock::time_point done = Clock::now();
        // Caught up: let new frames gather for a while rather than index a few at a time.
        auto pause = std::max<Clock::duration>((done - started) * kPaceFactor,
                                               textBehind_ ? Clock::duration::zero() : kCaughtUpPause);
        nextTextStep_ = done + pause;
    } catch (const DatabaseError& e) {
        if (WriteStall::classify(e, options_.dbPath) != WriteStall::Kind::Other) {
            // Locked, full, read-only: the records' writes will say so if it lasts; try later.
            nextTextStep_ = Clock::now() + kBusyPause;
            return;
        }
        // Not a loss of records: the index is only behind, and --text scans what it lacks.
        textBehind_ = false;
        std::fprintf(stderr, "rtmtap: full-text index not updated: %s\n", e.what());
    } catch (const std::exception& e) {
        textBehind_ = false;
        std::fprintf(stderr, "rtmtap: full-text index not updated: %s\n", e.what());
    }
}

// WhenBehind::Relay: once the queue has room again, what was let pass becomes gap rows.
void RecordWriter::queueGaps() {
    if (!gaps_ || !gaps_->any() || !queue_.open()) {
        return;
    }
    for (GapRow& gap : gaps_->takeAll()) {
        queue_.push(std::move(gap));
    }
}

}  // namespace rtmtap
