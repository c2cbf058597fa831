#include "Recorder.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "FrameWriter.h"
#include "RecordQueue.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <vector>

namespace rtmtap {

class Recorder::Impl {
public:
    explicit Impl(RecorderOptions options)
        : options_(std::move(options)),
          writer_(std::make_unique<FrameWriter>(options_.dbPath, options_.keepSecrets, options_.maxPageCount, WriterRole::Recorder)),
          queue_(options_.queueLimitBytes),
          nextSessionId_(writer_->firstFreeSessionId()) {
        thread_ = std::thread([this] { run(); });
    }

    ~Impl() { close(); }

    int64_t nextSessionId() { return nextSessionId_++; }

    void push(Record record) {
        size_t rows = RecordQueue::rows(record);
        if (!queue_.push(std::move(record))) {
            lostAfterClose(rows);
        }
    }

    void flush() { queue_.flush(); }

    void close() {
        std::lock_guard<std::mutex> lock(closeMutex_);
        queue_.close();
        if (thread_.joinable()) {
            thread_.join();
        }
        writer_.reset();  // closes the database: the WAL is checkpointed and removed
    }

    RecorderStats stats() const {
        RecorderStats s;
        s.recordsQueued = queue_.pushed();
        s.backpressureWaits = queue_.waits();
        s.recordsWritten = written_.load();
        s.writeErrors = errors_.load();
        s.recordsLost = lost_.load();
        return s;
    }

private:
    using Clock = RecordQueue::Clock;

    struct Batch {
        bool open = false;
        size_t records = 0;  // queue entries (a relay round's batch is one entry)
        size_t rows = 0;     // what they hold: messages, session starts and ends
        size_t bytes = 0;
        Clock::time_point started;
    };

    void run() {
        pthread_setname_np(pthread_self(), "rtmtap-writer");
        // Below the relay threads' priority: on a busy machine the queue absorbs a burst while
        // the relay keeps full speed, and the writer catches up when the cores are free. A full
        // queue still makes the relay wait (backpressure), so the writer is never starved.
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
        std::vector<Record> work;
        textBehind_ = options_.textIndex;
        for (;;) {
            work.clear();
            std::optional<Clock::time_point> deadline;
            if (batch_.open) {
                deadline = batch_.started + std::chrono::milliseconds(options_.commitIntervalMs);
            } else if (textBehind_) {
                deadline = nextTextStep_;  // idle time goes to the text index, paced
            }
            bool more = queue_.take(work, deadline, batch_.open);
            if (more && work.empty() && !batch_.open && textBehind_ && Clock::now() >= nextTextStep_) {
                indexText();
                continue;
            }
            for (const Record& record : work) {
                writeOne(record);
                if (batch_.rows >= options_.batchRows) {
                    finishBatch();
                }
            }
            bool due = deadline && Clock::now() >= *deadline;
            if (batch_.open && (due || !more || queue_.commitWanted())) {
                finishBatch();
            }
            if (!more) {
                return;
            }
        }
    }

    void writeOne(const Record& record) {
        size_t bytes = RecordQueue::cost(record);
        try {
            batch_.records += 1;
            batch_.rows += RecordQueue::rows(record);
            batch_.bytes += bytes;
            if (!batch_.open) {
                batch_.open = true;
                batch_.started = Clock::now();
                if (!writer_) {
                    writer_ = std::make_unique<FrameWriter>(options_.dbPath, options_.keepSecrets, options_.maxPageCount, WriterRole::Recorder);
                }
                writer_->begin();
            }
            writer_->write(record);
        } catch (const DatabaseError& e) {
            // Without a writer the error came from reopening: its full text names the file.
            failBatch(writer_ ? e.sqliteMessage() : std::string(e.what()));
        } catch (const std::exception& e) {
            failBatch(e.what());
        }
    }

    void finishBatch() {
        try {
            writer_->commit();
        } catch (const DatabaseError& e) {
            failBatch(e.sqliteMessage());
            return;
        } catch (const std::exception& e) {
            failBatch(e.what());
            return;
        }
        if (writer_->fileMoved()) {
            // Committed into a file nobody can open any more, so lost; the next batch goes to a
            // new file at the same path (without the rows of sessions that started before).
            failBatch("the database file was removed or renamed; recording into a new file at '" + options_.dbPath +
                      "'");
            writer_.reset();
            return;
        }
        written_ += batch_.rows;
        textBehind_ = options_.textIndex;
        completeBatch();
    }

    // One step of the full-text index (store/TextIndex.h), taken only when no record waits: a
    // step holds the writer for a few milliseconds, and records that come meanwhile queue up.
    // Steps are paced to a fifth of the writer's time at most: between bursts the writer would
    // otherwise spend every idle moment tokenising, and on two cores that slows the relay (bench:
    // burst 0.54x of direct unpaced, against 0.64x without a text index).
    void indexText() {
        constexpr int64_t kStepIds = 2'000;
        constexpr int kPaceFactor = 4;
        constexpr auto kCaughtUpPause = std::chrono::milliseconds(250);
        try {
            if (!writer_) {
                writer_ = std::make_unique<FrameWriter>(options_.dbPath, options_.keepSecrets, options_.maxPageCount, WriterRole::Recorder);
            }
            Clock::time_point started = Clock::now();
            textBehind_ = writer_->indexText(kStepIds) == kStepIds;
            Clock::time_point done = Clock::now();
            // Caught up: let new frames gather for a while rather than index a few at a time.
            auto pause = std::max<Clock::duration>((done - started) * kPaceFactor,
                                                   textBehind_ ? Clock::duration::zero() : kCaughtUpPause);
            nextTextStep_ = done + pause;
        } catch (const std::exception& e) {
            // Not a loss of records: the index is only behind, and --text scans what it lacks.
            textBehind_ = false;
            std::fprintf(stderr, "rtmtap: full-text index not updated: %s\n", e.what());
        }
    }

    // The batch is lost as a whole (SQLite rolls back the transaction); the writer goes on with
    // the next records, and says so once per failure.
    void failBatch(const std::string& reason) {
        if (writer_) {
            writer_->rollback();
        }
        uint64_t failures = ++errors_;
        lost_ += batch_.rows;
        std::fprintf(stderr, "rtmtap: database write failed: %s (%zu records not written, %llu failures so far)\n",
                     reason.c_str(), batch_.rows, static_cast<unsigned long long>(failures));
        completeBatch();
    }

    void completeBatch() {
        queue_.complete(batch_.records, batch_.bytes);
        batch_ = Batch{};
    }

    void lostAfterClose(size_t records = 1) {
        lost_ += records;
        if (!warnedAfterClose_.exchange(true)) {
            std::fprintf(stderr, "rtmtap: a record arrived after the recorder was closed and was not written\n");
        }
    }

    RecorderOptions options_;
    std::unique_ptr<FrameWriter> writer_;
    RecordQueue queue_;
    std::atomic<int64_t> nextSessionId_;
    std::thread thread_;
    std::mutex closeMutex_;
    Batch batch_;  // writer thread only
    bool textBehind_ = true;  // writer thread only: frames may lack their text index
    Clock::time_point nextTextStep_{};  // writer thread only: when the next text step may run
    std::atomic<uint64_t> written_{0};
    std::atomic<uint64_t> errors_{0};
    std::atomic<uint64_t> lost_{0};
    std::atomic<bool> warnedAfterClose_{false};
};

Recorder::Recorder(RecorderOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Recorder::~Recorder() {
    close();
}

int64_t Recorder::nextSessionId() {
    return impl_->nextSessionId();
}

void Recorder::onSessionStart(const SessionInfo& info) {
    impl_->push(info);
}

void Recorder::onMessage(const Message& message) {
    impl_->push(message);
}

void Recorder::onMessages(const MessageBatch& batch) {
    if (!batch->empty()) {
        impl_->push(batch);
    }
}

void Recorder::onSessionEnd(const SessionEnd& end) {
    impl_->push(end);
}

void Recorder::onApiExchange(const ApiExchange& exchange) {
    impl_->push(exchange);
}

void Recorder::flush() {
    impl_->flush();
}

void Recorder::close() {
    impl_->close();
}

RecorderStats Recorder::stats() const {
    return impl_->stats();
}

}  // namespace rtmtap
