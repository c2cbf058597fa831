#pragma once
// The recording tap: relay threads hand it session starts, messages and ends; one writer thread
// classifies them (protocol/Classifier) and writes them to SQLite in batched transactions
// (store/RecordWriter). Relay threads never touch the disk and never wait: a call only queues.
//
// When the writer falls behind (the queue holds queueLimitBytes: a slow, full, locked or
// read-only disk), the recorder either asks the producers to pause (WhenBehind::Pause: its
// backpressure() signal closes, and the relay stops reading from the senders until it opens) or
// lets the traffic pass unrecorded and writes a gap row for what it missed (WhenBehind::Relay).
// Session starts and ends, API calls and gap rows are always queued, so sessions stay whole.
// A database that refuses writes (locked, full, read-only, an I/O error, the file removed) is
// waited for and retried; nothing queued is dropped while the recorder runs (store/WriteStall.h).
#include "Findings.h"
#include "protocol/Tap.h"

#include <cstdint>
#include <memory>
#include <string>

namespace rtmtap {

enum class WhenBehind { Pause, Relay };

struct RecorderOptions {
    std::string dbPath = "rtmtap.db";
    bool keepSecrets = false;                    // keep ws_auth tokens whole (default: signature removed)
    size_t queueLimitBytes = 256u << 20;         // bytes held (queued or in the open batch) that make it behind
    WhenBehind whenBehind = WhenBehind::Pause;
    int commitIntervalMs = 100;                  // a batch commits at least this often
    size_t batchRows = 5000;                     // ... or when it holds this many records
    int exitWaitMs = 10000;                      // close(): how long a refusing database is retried before giving up
    int fileCheckMs = 1000;                      // how often the writer checks the file is still at dbPath
    int64_t maxDbBytes = 0;                      // >0: cap the file (tests simulate a full disk)
    int testCommitDelayMs = 0;                   // >0: sleep before each commit (tests simulate a slow disk)
    bool textIndex = true;                       // extend the full-text index while the queue is idle
};

struct RecorderStats {
    uint64_t recordsQueued = 0;
    uint64_t recordsWritten = 0;
    uint64_t writeStalls = 0;       // times the database refused writes for a while (the records waited)
    uint64_t recordsLost = 0;       // given up at exit, or refused by SQLite one by one (said on stderr)
    uint64_t timesBehind = 0;       // times the queue reached its limit
    uint64_t peakHeldBytes = 0;     // the most bytes the queue and the open batch held at once
    uint64_t fileSwitches = 0;      // the file was removed or renamed and a new one took over
    uint64_t framesNotRecorded = 0; // WhenBehind::Relay: frames let pass while behind
    uint64_t bytesNotRecorded = 0;
    uint64_t gaps = 0;              // ... in this many runs (gap rows)
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
    // What lint found (rtmtap proxy --lint), written by the writer thread like every other record
    // and, like session ends, always queued (findings are few). Any thread; never waits.
    void recordFindings(FindingBatch batch);
    // WhenBehind::Pause: the queue's signal; WhenBehind::Relay: nullptr (it never asks to wait).
    Backpressure* backpressure() override;

    // Blocks until everything queued before the call is committed (or given up at exit). While
    // the database refuses writes, that is until it takes them again.
    void flush();
    // Writes everything pending, stops the writer, closes the database. A database that still
    // refuses writes is retried for exitWaitMs, then what it refused is counted lost and said so.
    // Idempotent.
    void close();
    RecorderStats stats() const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rtmtap
