#pragma once
// A growable byte queue: append at the tail, consume from the head, no zero-filling on growth
// (std::string::resize would clear every 64 KiB read buffer before recv overwrites it).
#include <cstddef>
#include <memory>

namespace rtmtap {

class ByteBuffer {
public:
    const char* data() const { return data_.get() + begin_; }
    char* data() { return data_.get() + begin_; }
    size_t size() const { return end_ - begin_; }
    bool empty() const { return begin_ == end_; }

    // Space for at least n more bytes at the tail; returns where to write them.
    char* prepare(size_t n);
    void commit(size_t n) { end_ += n; }
    void append(const char* bytes, size_t n);
    void consume(size_t n);
    void clear() { begin_ = end_ = 0; }
    // Gives back memory after a burst so an idle session costs little.
    void shrinkIfIdle();

private:
    std::unique_ptr<char[]> data_;
    size_t capacity_ = 0;
    size_t begin_ = 0;
    size_t end_ = 0;
};

}  // namespace rtmtap
