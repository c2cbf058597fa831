#include "Buffer.h"

#include <algorithm>

namespace rtmtap::bench {

char* Buffer::reserveTail(size_t n) {
    if (cap_ - end_ >= n) {
        return bytes_.get() + end_;
    }
    // Slide the live bytes to the front before growing: the common case (a few frames left
    // over after parsing) then never reallocates.
    if (start_ > 0) {
        std::memmove(bytes_.get(), bytes_.get() + start_, end_ - start_);
        end_ -= start_;
        start_ = 0;
    }
    if (cap_ - end_ < n) {
        size_t cap = std::max(cap_ * 2, end_ + n);
        std::unique_ptr<char[]> bigger(new char[cap]);
        if (end_ > 0) {
            std::memcpy(bigger.get(), bytes_.get(), end_);
        }
        bytes_ = std::move(bigger);
        cap_ = cap;
    }
    return bytes_.get() + end_;
}

void Buffer::append(const char* p, size_t n) {
    std::memcpy(reserveTail(n), p, n);
    end_ += n;
}

void Buffer::consume(size_t n) {
    start_ += n;
    if (start_ >= end_) {
        start_ = end_ = 0;
    }
}

}  // namespace rtmtap::bench
