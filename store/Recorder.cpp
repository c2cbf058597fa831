#include "Recorder.h"

#include "GapLedger.h"
#include "RecordQueue.h"
#include "RecordWriter.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

namespace rtmtap {

class Recorder::Impl {
public:
    explicit Impl(RecorderOptions options)
        : options_(std::move(options)),
          queue_(options_.queueLimitBytes),
          writer_(options_, queue_, options_.whenBehind == WhenBehind::Relay ? &gaps_ : nullptr),
          nextSessionId_(writer_.firstFreeSessionId()) {
        thread_ = std::thread([this] { writer_.run(); });
    }

    ~Impl() { close(); }

    int64_t nextSessionId() { return nextSessionId_++; }

    void push(Record record) {
        size_t rows = RecordQueue::rows(record);
        if (!queue_.push(std::move(record))) {
            lostAfterClose(rows);
        }
    }

    // Messages are the only records the recorder may leave out, and only when told to
    // (WhenBehind::Relay) while it is behind: false, and they are counted as a gap instead.
    bool admit(const Message* messages, size_t n) {
        if (options_.whenBehind != WhenBehind::Relay) {
            return true;
        }
        if (!queue_.open()) {
            const std::string reason = writer_.behindReason();
            for (size_t i = 0; i < n; ++i) {
                gaps_.add(messages[i], reason);
            }
            return false;
        }
        pushGaps();  // before this session's next frames
        return true;
    }

    void pushGaps() {
        if (gaps_.any()) {
            for (GapRow& gap : gaps_.takeAll()) {
                push(std::move(gap));
            }
        }
    }

    void endSession(const SessionEnd& end) {
        if (gaps_.any()) {
            if (std::optional<GapRow> gap = gaps_.take(end.id)) {
                push(std::move(*gap));
            }
        }
        push(end);
    }

    Backpressure* backpressure() { return options_.whenBehind == WhenBehind::Pause ? &queue_ : nullptr; }

    void flush() { queue_.flush(); }

    void close() {
        std::lock_guard<std::mutex> lock(closeMutex_);
        pushGaps();
        queue_.close();
        if (thread_.joinable()) {
            thread_.join();
        }
        writer_.closeDatabase();
    }

    RecorderStats stats() const {
        RecorderStats s;
        s.recordsQueued = queue_.pushed();
        s.timesBehind = queue_.timesBehind();
        s.peakHeldBytes = queue_.peakHeldBytes();
        s.recordsWritten = writer_.written();
        s.writeStalls = writer_.stalls();
        s.recordsLost = writer_.lost() + lostAfterClose_.load();
        s.fileSwitches = writer_.fileSwitches();
        s.framesNotRecorded = gaps_.frames();
        s.bytesNotRecorded = gaps_.bytes();
        s.gaps = gaps_.gaps();
        return s;
    }

private:
    void lostAfterClose(size_t records) {
        lostAfterClose_ += records;
        if (!warnedAfterClose_.exchange(true)) {
            std::fprintf(stderr, "rtmtap: a record arrived after the recorder was closed and was not written\n");
        }
    }

    RecorderOptions options_;
    RecordQueue queue_;
    GapLedger gaps_;
    RecordWriter writer_;  // after the queue and the ledger: it holds references to them
    std::atomic<int64_t> nextSessionId_;
    std::thread thread_;
    std::mutex closeMutex_;
    std::atomic<uint64_t> lostAfterClose_{0};
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
    if (impl_->admit(&message, 1)) {
        impl_->push(message);
    }
}

void Recorder::onMessages(const MessageBatch& batch) {
    if (!batch->empty() && impl_->admit(batch->data(), batch->size())) {
        impl_->push(batch);
    }
}

void Recorder::onSessionEnd(const SessionEnd& end) {
    impl_->endSession(end);
}

void Recorder::onApiExchange(const ApiExchange& exchange) {
    impl_->push(exchange);
}

void Recorder::recordFindings(FindingBatch batch) {
    impl_->push(std::move(batch));
}

Backpressure* Recorder::backpressure() {
    return impl_->backpressure();
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
