#include "RecordQueue.h"

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
    const auto& end = std::get<SessionEnd>(record);
    return kOverheadBytes + end.close_reason.size() + end.closed_by.size() + end.error.size();
}

size_t RecordQueue::rows(const Record& record) {
    if (const auto* batch = std::get_if<MessageBatch>(&record)) {
        return (*batch)->size();
    }
    return 1;
}

bool RecordQueue::push(Record record) {
    size_t bytes = cost(record);
    std::unique_lock<std::mutex> lock(mutex_);
    // A record larger than the whole limit still goes in alone, so it cannot wait forever.
    auto full = [&] { return !closed_ && heldBytes_ > 0 && heldBytes_ + bytes > limitBytes_; };
    if (full()) {
        ++waits_;
        ++waiting_;
        work_.notify_one();  // the writer commits early instead of waiting for its interval
        spaceOrDone_.wait(lock, [&] { return !full(); });
        --waiting_;
    }
    if (closed_) {
        return false;
    }
    queue_.push_back(std::move(record));
    heldBytes_ += bytes;
    ++pushed_;
    // The writer is woken only when it is idle or a good batch is waiting; otherwise it collects
    // at its commit deadline, so a relay thread pays no futex wake-up per message.
    if ((writerIdle_ && queue_.size() == 1) || queue_.size() == kWakeEntries) {
        work_.notify_one();
    }
    return true;
}

bool RecordQueue::take(std::vector<Record>& out, std::optional<Clock::time_point> deadline, bool batchOpen) {
    std::unique_lock<std::mutex> lock(mutex_);
    // With a batch open, wake early only for a full batch's worth, a flush or a blocked
    // producer; idle (perhaps until a deadline of its own), at the first record.
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

void RecordQueue::complete(size_t records, size_t bytes) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        completed_ += records;
        heldBytes_ -= bytes;
    }
    spaceOrDone_.notify_all();
}

bool RecordQueue::commitWanted() {
    std::lock_guard<std::mutex> lock(mutex_);
    return commitWantedLocked();
}

bool RecordQueue::commitWantedLocked() const {
    // heldBytes_ > 0: there is something to commit (without it a waiting producer that has not
    // yet woken up after a commit would make the writer spin).
    return heldBytes_ > 0 && (flushTarget_ > completed_ || waiting_ > 0);
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
    spaceOrDone_.wait(lock, [&] { return completed_ >= target; });
}

void RecordQueue::close() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
    }
    work_.notify_all();
    spaceOrDone_.notify_all();
}

uint64_t RecordQueue::pushed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return pushed_;
}

uint64_t RecordQueue::waits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return waits_;
}

}  // namespace rtmtap
