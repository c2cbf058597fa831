#pragma once
// The recorder's queue between relay threads and its one writer thread, bounded by bytes.
// A push waits while the queue is full (backpressure: the traffic slows, nothing is dropped).
// Records count against the limit until the writer has committed (or failed) them, so the
// memory held is bounded whether records wait in the queue or in the writer's open batch.
#include "protocol/ApiExchange.h"
#include "protocol/Message.h"
#include "protocol/Session.h"
#include "protocol/Tap.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

namespace rtmtap {

using Record = std::variant<SessionInfo, Message, SessionEnd, MessageBatch, ApiExchange>;

class RecordQueue {
public:
    using Clock = std::chrono::steady_clock;

    explicit RecordQueue(size_t limitBytes);

    // Bytes a record holds against the limit: its payload or strings plus a fixed overhead.
    static size_t cost(const Record& record);
    // Rows a record becomes in the database (a batch: one per message).
    static size_t rows(const Record& record);

    // Blocks while full. Returns false (and keeps nothing) once the queue is closed.
    bool push(Record record);

    // Writer side: waits until records are queued (with a batch open: a full batch's worth, a
    // commit wanted), the deadline passes or the queue is closed, then moves everything queued
    // into out. Returns false when the queue is closed and empty: the writer is done.
    bool take(std::vector<Record>& out, std::optional<Clock::time_point> deadline, bool batchOpen);
    // Writer side: these records are committed or failed; their bytes are free again.
    void complete(size_t records, size_t bytes);
    // Writer side: someone waits for the open batch, in flush() or because the queue is full;
    // the writer should commit now rather than at the end of its interval.
    bool commitWanted();

    // Blocks until every record pushed before the call is completed.
    void flush();
    // Stops accepting records; wakes everyone. The writer drains what is queued.
    void close();

    uint64_t pushed() const;
    uint64_t waits() const;

private:
    mutable std::mutex mutex_;
    std::condition_variable spaceOrDone_;  // producers (space) and flushers (completed)
    std::condition_variable work_;         // the writer
    std::vector<Record> queue_;
    size_t limitBytes_;
    size_t heldBytes_ = 0;  // queued plus taken but not completed
    uint64_t pushed_ = 0;
    uint64_t completed_ = 0;
    uint64_t flushTarget_ = 0;
    uint64_t waits_ = 0;
    int waiting_ = 0;  // producers blocked right now
    bool closed_ = false;
    bool writerIdle_ = false;  // the writer waits with no batch open: the next push must wake it
    static constexpr size_t kWakeEntries = 256;

    bool commitWantedLocked() const;
};

}  // namespace rtmtap
