#pragma once
// The recorder's queue between relay threads and its one writer thread, bounded by bytes but
// never blocking a producer: a push always succeeds (until close), and once the bytes held reach
// the limit the queue says it is behind (open() false, protocol/Backpressure.h) until the writer
// has freed a quarter of the limit again. Producers that honour the signal (the relay: it stops
// reading from the senders) keep the memory bounded; the bound itself is theirs to state
// (proxy/Relay.h). Records count against the limit until the writer has committed them (or given
// them up), so the bytes held cover records waiting here and in the writer's open batch alike.
#include "Findings.h"
#include "Gaps.h"
#include "protocol/ApiExchange.h"
#include "protocol/Backpressure.h"
#include "protocol/Message.h"
#include "protocol/Session.h"
#include "protocol/Tap.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

namespace rtmtap {

using Record = std::variant<SessionInfo, Message, SessionEnd, MessageBatch, ApiExchange, GapRow, FindingBatch>;

class RecordQueue : public Backpressure {
public:
    using Clock = std::chrono::steady_clock;

    explicit RecordQueue(size_t limitBytes);

    // Bytes a record holds against the limit: its payload or strings plus a fixed overhead.
    static size_t cost(const Record& record);
    // Rows a record becomes in the database (a batch: one per message; findings: one each, and
    // at least one for a batch that only deletes).
    static size_t rows(const Record& record);

    // Never waits. Returns false (and keeps nothing) once the queue is closed.
    bool push(Record record);

    // Writer side: waits until records are queued (with a batch open: a full batch's worth, a
    // commit wanted), the deadline passes or the queue is closed, then moves everything queued
    // into out. Returns false when the queue is closed and empty: the writer is done.
    bool take(std::vector<Record>& out, std::optional<Clock::time_point> deadline, bool batchOpen);
    // Writer side: these records (entries as pushed, rows as rows() counts them) are committed or
    // given up; their bytes are free again.
    void complete(size_t records, size_t rows, size_t bytes);
    // Writer side: someone waits for the open batch (flush()) or the queue is behind; the writer
    // should commit now rather than at the end of its interval.
    bool commitWanted();
    // Writer side: sleeps until the deadline or until the queue is closed; true when closed.
    bool sleepUnlessClosed(Clock::time_point until);

    // Blocks until every record pushed before the call is completed. Not for event loops.
    void flush();
    // Stops accepting records; wakes everyone and opens the signal. The writer drains what is queued.
    void close();
    bool closed() const;

    // Backpressure: false from the push that reaches the limit until the bytes held are at most
    // three quarters of it (so paused producers are not woken for every freed batch).
    bool open() const override { return !behind_.load(std::memory_order_relaxed); }
    uint64_t subscribe(std::function<void()> listener) override;
    void unsubscribe(uint64_t id) override;

    uint64_t pushed() const;
    uint64_t timesBehind() const;   // how often the queue turned behind
    size_t heldBytes() const;
    size_t heldRows() const;        // rows queued or in the writer's open batch
    size_t peakHeldBytes() const;   // the most bytes held at once

private:
    void notifyOpen();

    mutable std::mutex mutex_;
    std::condition_variable done_;  // flushers: records completed
    std::condition_variable work_;  // the writer
    std::vector<Record> queue_;
    size_t limitBytes_;
    size_t heldBytes_ = 0;  // queued plus taken but not completed
    size_t heldRows_ = 0;
    size_t peakHeldBytes_ = 0;
    uint64_t pushed_ = 0;
    uint64_t completed_ = 0;
    uint64_t flushTarget_ = 0;
    uint64_t timesBehind_ = 0;
    std::atomic<bool> behind_{false};
    bool closed_ = false;
    bool writerIdle_ = false;  // the writer waits with no batch open: the next push must wake it
    static constexpr size_t kWakeEntries = 256;

    // Listeners are called under their own mutex, never under mutex_: unsubscribe() waits for a
    // call in progress, and a listener may take locks of its own (an event loop's).
    std::mutex listenersMutex_;
    std::vector<std::pair<uint64_t, std::function<void()>>> listeners_;
    uint64_t nextListener_ = 1;

    bool commitWantedLocked() const;
};

}  // namespace rtmtap
