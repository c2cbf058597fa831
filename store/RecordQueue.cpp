#include "RecordQueue.h"

#include <algorithm>

namespace rtmtap {
namespace {

// What a record costs beyond its strings: the variant slot, allocator headers, the row.
constexpr size_t kOverheadBytes = 256;

size_t stringsCost(const SessionInfo& info) {
    size_t bytes = info.client.size() + info.upstream.size() + info.path.size() + info.subprotocol.size();
    for (const auto& header : info.headers) {
        bytes += header.first.size() + header.second.size() + 64;
    }
    return bytes;
}

}  // namespace

RecordQueue::RecordQueue(size_t limitBytes) : limitBytes_(limitBytes) {}

size_t RecordQueue::cost(const Record& record) {
    if (const auto* message = std::get_if<Message>(&record)) {
        return kOverheadBytes + message->payload.size();
    }
    if (const auto* batch = std::get_if<MessageBatch>(&record)) {
        size_t bytes = kOverheadBytes;
        for (const Message& m : **batch) {
            bytes += kOverheadBytes + m.payload.size();
        }
        return bytes;
    }
    if (const auto* info = std::get_if<SessionInfo>(&record)) {
        return kOverheadBytes + stringsCost(*info);
    }
    if (const auto* x = std::get_if<ApiExchange>(&record)) {
        size_t bytes = x->client.size() + x->upstream.size() + x->method.size() + x->path.size() +
                       x->request_body.size() + x->response_body.size() + x->ws_endpoint.size() + x->error.size();
        for (const HeaderList* headers : {&x->request_headers, &x->response_headers}) {
            for (const auto& header : *headers) {
                bytes += header.first.size() + header.second.size() + 64;
            }
        }
        return kOverheadBytes + bytes;
    }
    if (const auto* gap = std::get_if<GapRow>(&record)) {
        return kOverheadBytes + gap->reason.size();
    }
    if (const auto* found = std::get_if<FindingBatch>(&record)) {
        size_t bytes = kOverheadBytes;
        for (const Finding& f : found->findings) {
            bytes += kOverheadBytes + f.rule.size() + f.sentence.size() + f.section.size();
        }
        return bytes;
    }
    const auto& end = std::get<SessionEnd>(record);
    return kOverheadBytes + end.close_reason.size() + end.closed_by.size() + end.error.size();
}

size_t RecordQueue::rows(const Record& record) {
    if (const auto* batch = std::get_if<MessageBatch>(&record)) {
        return (*batch)->size();
    }
    if (const auto* found = std::get_if<FindingBatch>(&record)) {
        return std::max<size_t>(1, found->findings.size());
    }
    return 1;
}

bool RecordQueue::push(Record record) {
    const size_t bytes = cost(record);
    const size_t n = rows(record);
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) {
        return false;
    }
    queue_.push_back(std::move(record));
    heldBytes_ += bytes;
    heldRows_ += n;
    peakHeldBytes_ = std::max(peakHeldBytes_, heldBytes_);
    ++pushed_;
    if (heldBytes_ >= limitBytes_ && !behind_.load(std::memory_order_relaxed)) {
        behind_.store(true, std::memory_order_relaxed);
        ++timesBehind_;
        work_.notify_one();  // the writer commits early instead of waiting for its interval
        return true;
    }
    // The writer is woken only when it is idle or a good batch is waiting; otherwise it collects
    // at its commit deadline, so a relay thread pays no futex wake-up per message.
    if ((writerIdle_ && queue_.size() == 1) || queue_.size() == kWakeEntries) {
        work_.notify_one();
    }
    return true;
}

bool RecordQueue::take(std::vector<Record>& out, std::optional<Clock::time_point> deadline, bool batchOpen) {
    std::unique_lock<std::mutex> lock(mutex_);
    // With a batch open, wake early only for a full batch's worth, a flush or a full queue;
    // idle (perhaps until a deadline of its own), at the first record.
    auto full = [&] { return closed_ || commitWantedLocked() || queue_.size() >= kWakeEntries; };
    auto any = [&] { return !queue_.empty() || closed_ || commitWantedLocked(); };
    writerIdle_ = !batchOpen;
    if (deadline) {
        batchOpen ? work_.wait_until(lock, *deadline, full) : work_.wait_until(lock, *deadline, any);
    } else {
        batchOpen ? work_.wait(lock, full) : work_.wait(lock, any);
    }
    writerIdle_ = false;
    if (queue_.empty()) {
        return !closed_;
    }
    if (out.empty()) {
        out.swap(queue_);
    } else {
        for (Record& record : queue_) {
            out.push_back(std::move(record));
        }
        queue_.clear();
    }
    return true;
}

void RecordQueue::complete(size_t records, size_t rows, size_t bytes) {
    bool opened = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        completed_ += records;
        heldBytes_ -= std::min(heldBytes_, bytes);
        heldRows_ -= std::min(heldRows_, rows);
        if (behind_.load(std::memory_order_relaxed) && heldBytes_ <= limitBytes_ - limitBytes_ / 4) {
            behind_.store(false, std::memory_order_relaxed);
            opened = true;
        }
    }
    done_.notify_all();
    if (opened) {
        notifyOpen();
    }
}

bool RecordQueue::commitWanted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return commitWantedLocked();
}

bool RecordQueue::commitWantedLocked() const {
    // heldBytes_ > 0: there is something to commit (without it the writer could spin).
    return heldBytes_ > 0 && (flushTarget_ > completed_ || behind_.load(std::memory_order_relaxed));
}

bool RecordQueue::sleepUnlessClosed(Clock::time_point until) {
    std::unique_lock<std::mutex> lock(mutex_);
    return work_.wait_until(lock, until, [&] { return closed_; });
}

void RecordQueue::flush() {
    std::unique_lock<std::mutex> lock(mutex_);
    uint64_t target = pushed_;
    if (completed_ >= target) {
        return;
    }
    if (target > flushTarget_) {
        flushTarget_ = target;
    }
    work_.notify_one();
    done_.wait(lock, [&] { return completed_ >= target; });
}

void RecordQueue::close() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        behind_.store(false, std::memory_order_relaxed);
    }
    work_.notify_all();
    done_.notify_all();
    notifyOpen();  // paused producers read again: their records are refused now, not waited for
}

bool RecordQueue::closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
}

uint64_t RecordQueue::subscribe(std::function<void()> listener) {
    std::lock_guard<std::mutex> lock(listenersMutex_);
    listeners_.emplace_back(nextListener_, std::move(listener));
    return nextListener_++;
}

void RecordQueue::unsubscribe(uint64_t id) {
    std::lock_guard<std::mutex> lock(listenersMutex_);
    listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(), [&](const auto& l) { return l.first == id; }),
                     listeners_.end());
}

void RecordQueue::notifyOpen() {
    std::lock_guard<std::mutex> lock(listenersMutex_);
    for (const auto& listener : listeners_) {
        listener.second();
    }
}

uint64_t RecordQueue::pushed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pushed_;
}

uint64_t RecordQueue::timesBehind() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return timesBehind_;
}

size_t RecordQueue::heldBytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return heldBytes_;
}

size_t RecordQueue::heldRows() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return heldRows_;
}

size_t RecordQueue::peakHeldBytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return peakHeldBytes_;
}

}  // namespace rtmtap
