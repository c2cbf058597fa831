#include "JsonLineChannel.h"

#include <Poco/Exception.h>

namespace rtmtap {

JsonLineChannel::JsonLineChannel(Poco::Net::StreamSocket socket, size_t maxLine)
    : socket_(std::move(socket)), maxLine_(maxLine) {}

JsonLineChannel::Read JsonLineChannel::readLine(std::string& line) {
    char chunk[64 * 1024];
    for (;;) {
        size_t newline = buffer_.find('\n', scanned_);
        if (newline != std::string::npos) {
            line.assign(buffer_, 0, newline);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            buffer_.erase(0, newline + 1);
            scanned_ = 0;
            return Read::Line;
        }
        scanned_ = buffer_.size();
        if (buffer_.size() > maxLine_) {
            return Read::TooLong;
        }
        int n = 0;
        try {
            n = socket_.receiveBytes(chunk, sizeof chunk);
        } catch (const Poco::TimeoutException&) {
            return Read::Timeout;
        } catch (const Poco::Exception&) {
            return Read::Error;
        }
        if (n <= 0) {
            return Read::End;
        }
        buffer_.append(chunk, static_cast<size_t>(n));
    }
}

void JsonLineChannel::writeLine(const std::string& line) {
    std::string out = line + '\n';
    const char* p = out.data();
    size_t left = out.size();
    while (left > 0) {
        int n = socket_.sendBytes(p, static_cast<int>(left));
        if (n <= 0) {
            throw Poco::IOException("the peer stopped reading");
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
}

}  // namespace rtmtap
