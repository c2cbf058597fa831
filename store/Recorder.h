#pragma once
// The recording tap: relay threads hand it session starts, messages and ends; one writer thread
// classifies them (protocol/Classifier) and writes them to SQLite in batched transactions.
// Relay threads never touch the disk. The queue is bounded by bytes; when it is full, onMessage
// blocks until the writer catches up (the traffic slows, nothing is dropped).
#include "protocol/Tap.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>

namespace rtmtap {

struct RecorderOptions {
    std::string dbPath = "rtmtap.db";
    bool keepSecrets = false;                    // keep ws_auth tokens whole (default: signature removed)
    size_t queueLimitBytes = 256u << 20;         // backpressure threshold
    int commitIntervalMs = 100;                  // a batch commits at least this often
    size_t batchRows = 5000;                     // ... or when it holds this many records
    int64_t maxPageCount = 0;                    // >0: PRAGMA max_page_count (tests simulate a full disk)
    bool textIndex = true;                       // extend the full-text index while the queue is idle
};

struct RecorderStats {
    uint64_t recordsQueued = 0;
    uint64_t recordsWritten = 0;
    uint64_t writeErrors = 0;       // failed batches
    uint64_t recordsLost = 0;       // records in failed batches (reported on stderr, never silent)
    uint64_t backpressureWaits = 0; // times a relay thread waited for the writer
};

class Recorder : public Tap {
public:
    // Opens (creating with mode 0600 if needed) and migrates the database, then starts the
    // writer thread. Throws std::runtime_error with a one-line reason when it cannot.
    explicit Recorder(RecorderOptions options);
    ~Recorder() override;  // calls close()

    // The next unused session id in this database (max(id)+1 at open, then counting up).
    int64_t nextSessionId();

    void onSessionStart(const SessionInfo& info) override;
    void onMessage(const Message& message) override;
    void onMessages(const MessageBatch& batch) override;
    void onSessionEnd(const SessionEnd& end) override;
    void onApiExchange(const ApiExchange& exchange) override;

    // Blocks until everything queued before the call is committed (or failed).
    void flush();
    // Writes everything pending, stops the writer, closes the database. Idempotent.
    void close();
    RecorderStats stats() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rtmtap
