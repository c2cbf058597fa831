#pragma once
// A transport for fuzz targets: it delivers the input in reads of at most `piece` bytes, then
// reports the end of the stream, as a peer that sends in small pieces and closes.
#include "proxy/Transport.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace rtmtap {

class PieceTransport : public Transport {
public:
    PieceTransport(std::string bytes, size_t piece)
        : Transport(Poco::Net::StreamSocket()), bytes_(std::move(bytes)), piece_(piece) {}
    ssize_t read(char* buf, size_t len) override {
        const size_t n = std::min({len, piece_, bytes_.size() - pos_});
        std::memcpy(buf, bytes_.data() + pos_, n);
        pos_ += n;
        return static_cast<ssize_t>(n);  // 0 at the end: the peer closed
    }
    ssize_t write(const char*, size_t len) override { return static_cast<ssize_t>(len); }
    void shutdownWrite() override {}
    size_t remaining() const { return bytes_.size() - pos_; }  // not read yet

private:
    std::string bytes_;
    size_t piece_;
    size_t pos_ = 0;
};

}  // namespace rtmtap
