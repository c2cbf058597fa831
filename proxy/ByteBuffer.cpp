#include "ByteBuffer.h"

#include <cstring>

namespace rtmtap {

char* ByteBuffer::prepare(size_t n) {
    if (capacity_ - end_ >= n) {
        return data_.get() + end_;
    }
    const size_t used = size();
    if (begin_ > 0 && capacity_ - used >= n && used <= capacity_ / 2) {
        std::memmove(data_.get(), data(), used);  // slide down instead of growing
    } else {
        size_t capacity = capacity_ ? capacity_ : 4096;
        while (capacity - used < n) {
            capacity *= 2;
        }
        std::unique_ptr<char[]> bigger(new char[capacity]);
        if (used) {
            std::memcpy(bigger.get(), data(), used);
        }
        data_ = std::move(bigger);
        capacity_ = capacity;
    }
    begin_ = 0;
    end_ = used;
    return data_.get() + end_;
}

void ByteBuffer::append(const char* bytes, size_t n) {
    if (n == 0) {
        return;
    }
    std::memcpy(prepare(n), bytes, n);
    end_ += n;
}

void ByteBuffer::consume(size_t n) {
    begin_ += n;
    if (begin_ >= end_) {
        begin_ = end_ = 0;
    }
}

void ByteBuffer::shrinkIfIdle() {
    if (empty() && capacity_ > 16 * 1024) {
        data_.reset();
        capacity_ = 0;
        begin_ = end_ = 0;
    }
}

}  // namespace rtmtap
