#pragma once
// The recorder's writer thread: takes records from the queue, writes them to SQLite in batched
// transactions, and keeps every record until its transaction has committed. A batch the database
// refuses (locked, full, read-only, I/O error) is rolled back and written again after a growing
// pause, with one line when the condition starts and one when it ends (store/WriteStall.h).
// A database file removed or renamed under the proxy is noticed (after each commit and once a
// second while idle): a new file is created at the path, the live sessions' rows are copied into
// it from the old one, and the batch that may have gone into the old file is written again.
// Only at close, after exitWaitMs of refusals, are the records still held given up (and counted).
#include "FrameWriter.h"
#include "GapLedger.h"
#include "RecordQueue.h"
#include "Recorder.h"
#include "WriteStall.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rtmtap {

class RecordWriter {
public:
    using Clock = RecordQueue::Clock;

    // Opens the database (throws DatabaseError). gaps: where WhenBehind::Relay counts what it let
    // pass; the writer queues their rows whenever the queue has room (nullptr: none).
    RecordWriter(const RecorderOptions& options, RecordQueue& queue, GapLedger* gaps);
    ~RecordWriter();

    int64_t firstFreeSessionId() const { return firstFreeSessionId_; }
    // The writer thread's body: returns once the queue is closed and everything is written (or
    // given up).
    void run();
    // After run() returned: closes the database (the WAL is checkpointed and removed, the
    // recorder's claim on the file released).
    void closeDatabase();

    // Any thread: why the recorder is behind right now, "" when the disk is just slower.
    std::string behindReason() const;
    uint64_t written() const { return written_.load(); }
    uint64_t lost() const { return lost_.load(); }
    uint64_t stalls() const { return stalls_.load(); }
    uint64_t fileSwitches() const { return switches_.load(); }

private:
    struct Batch {
        std::vector<Record> records;  // kept until committed: a refused batch is written again
        size_t entries = 0;           // queue entries taken (records plus those refused one by one)
        size_t rows = 0;              // rows they hold, refused ones included
        size_t refusedRows = 0;
        size_t bytes = 0;
        size_t written = 0;           // records written into the open transaction
        bool open = false;            // a transaction is open
        Clock::time_point started;
    };

    void add(Record&& record);
    bool writePending();
    void commit();
    void succeeded();
    void failed(const std::exception& e, std::optional<size_t> recordIndex);
    void refuse(size_t index, const std::string& why);
    bool waitToRetry();
    void giveUp();
    void checkFile();
    void abandonFile();
    void ensureWriter();
    void carryOverSessions();
    void trackLiveSessions();
    void indexText();
    void queueGaps();
    std::optional<Clock::time_point> nextWake() const;

    const RecorderOptions& options_;
    RecordQueue& queue_;
    GapLedger* gaps_;
    std::unique_ptr<FrameWriter> writer_;
    std::unique_ptr<FrameWriter> orphan_;  // the file that was removed or renamed, until carried over
    int64_t firstFreeSessionId_ = 1;
    WriteStall stall_;
    Batch batch_;
    std::set<int64_t> live_;  // sessions started and not ended, as committed
    bool textBehind_ = true;
    Clock::time_point nextTextStep_{};
    Clock::time_point nextFileCheck_{};
    std::optional<Clock::time_point> closedAt_;

    mutable std::mutex reasonMutex_;
    std::string reason_;
    std::atomic<uint64_t> written_{0}, lost_{0}, stalls_{0}, switches_{0};
};

}  // namespace rtmtap
