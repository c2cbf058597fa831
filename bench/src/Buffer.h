#pragma once
// A byte buffer with a read offset: bytes are appended at the end and consumed from the front
// without moving memory on every read (compacted only when the consumed part dominates).
#include <cstddef>
#include <cstring>
#include <memory>

namespace rtmtap::bench {

class Buffer {
public:
    char* data() { return bytes_.get() + start_; }
    const char* data() const { return bytes_.get() + start_; }
    size_t size() const { return end_ - start_; }
    bool empty() const { return start_ == end_; }

    // Room for at least n more bytes at tail(); call commit(k) after writing k of them.
    char* reserveTail(size_t n);
    void commit(size_t n) { end_ += n; }
    void append(const char* p, size_t n);
    void consume(size_t n);
    void clear() { start_ = end_ = 0; }

    // Size of a read that adapts to the traffic: it doubles (up to 256 KiB) whenever a read filled
    // it, so a thousand idle connections do not each hold a large buffer.
    size_t readChunk() const { return readChunk_; }
    void noteRead(size_t got) {
        if (got == readChunk_ && readChunk_ < (256u << 10)) {
            readChunk_ *= 2;
        }
    }

private:
    std::unique_ptr<char[]> bytes_;  // not a vector: growing must not zero-fill
    size_t cap_ = 0;
    size_t readChunk_ = 4096;
    size_t start_ = 0;
    size_t end_ = 0;
};

}  // namespace rtmtap::bench
