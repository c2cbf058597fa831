#include "RawWsClient.h"

#include "proxy/FrameCodec.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

namespace rtmtap::test {
namespace {

Poco::Timespan millis(int ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

}  // namespace

RawWsClient::RawWsClient(uint16_t port, const std::string& target, const std::string& afterHead, int timeoutMs) {
    try {
        socket_.connect(Poco::Net::SocketAddress("127.0.0.1", port), millis(timeoutMs));
        sendBytes("GET " + target +
                  " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n" +
                  afterHead);
        Received r;
        size_t end = std::string::npos;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
            if (!fill(buffer_.size() + 1, timeoutMs, r)) {
                return;
            }
        }
        head_ = buffer_.substr(0, end + 4);
        buffer_.erase(0, end + 4);
        if (head_.rfind("HTTP/1.1 ", 0) == 0) {
            status_ = std::stoi(head_.substr(9, 3));
        }
    } catch (const Poco::Exception&) {
        status_ = 0;
    }
}

std::string RawWsClient::frame(int firstByte, const std::string& payload, bool masked) {
    const uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};
    std::string out;
    appendFrameHeader(out, true, 0, payload.size(), masked ? mask : nullptr);
    out[0] = static_cast<char>(firstByte);
    const size_t at = out.size();
    out += payload;
    if (masked) {
        applyMask(out.data() + at, payload.size(), mask);
    }
    return out;
}

void RawWsClient::sendBytes(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        int n = socket_.sendBytes(bytes.data() + done, static_cast<int>(bytes.size() - done));
        if (n <= 0) {
            return;
        }
        done += static_cast<size_t>(n);
    }
}

bool RawWsClient::fill(size_t n, int timeoutMs, Received& r) {
    char chunk[4096];
    while (buffer_.size() < n) {
        try {
            if (!socket_.poll(millis(timeoutMs), Poco::Net::Socket::SELECT_READ)) {
                r.kind = Received::Kind::Timeout;
                return false;
            }
            int got = socket_.receiveBytes(chunk, sizeof chunk);
            if (got <= 0) {
                r.kind = Received::Kind::Closed;
                return false;
            }
            buffer_.append(chunk, static_cast<size_t>(got));
        } catch (const Poco::Exception& e) {
            r.kind = Received::Kind::Error;
            r.error = e.displayText();
            return false;
        }
    }
    return true;
}

Received RawWsClient::receive(int timeoutMs) {
    Received r;
    FrameHeader h;
    HeaderParse parsed;
    while ((parsed = parseFrameHeader(buffer_.data(), buffer_.size(), h)) == HeaderParse::Incomplete) {
        if (!fill(buffer_.size() + 1, timeoutMs, r)) {
            return r;
        }
    }
    if (parsed == HeaderParse::Invalid || !fill(h.headerSize + h.length, timeoutMs, r)) {
        if (parsed == HeaderParse::Invalid) {
            r.kind = Received::Kind::Error;
            r.error = "invalid frame header";
        }
        return r;
    }
    r.kind = Received::Kind::Frame;
    r.frame.flags = static_cast<uint8_t>(buffer_[0]);
    r.frame.payload = buffer_.substr(h.headerSize, h.length);
    if (h.masked) {
        applyMask(r.frame.payload.data(), r.frame.payload.size(), h.mask);
    }
    buffer_.erase(0, h.headerSize + h.length);
    return r;
}

Received RawWsClient::receiveOpcode(int opcode, int timeoutMs) {
    for (;;) {
        Received r = receive(timeoutMs);
        if (!r.isFrame() || r.opcode() == opcode) {
            return r;
        }
    }
}

}  // namespace rtmtap::test
