#include "HttpBodyReader.h"

#include "HttpHead.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>

namespace rtmtap {
namespace {

// The bytes of one request as they arrive: what came with the head first, then reads.
class Input {
public:
    Input(Transport& io, std::string already, int64_t deadlineUs)
        : io_(io), buf_(std::move(already)), deadlineUs_(deadlineUs) {}

    // Until buf_ holds at least n bytes from pos_.
    BodyRead::Status need(size_t n) {
        char chunk[16384];
        while (buf_.size() - pos_ < n) {
            const ssize_t got = readBefore(io_, chunk, sizeof chunk, deadlineUs_);
            if (got == Transport::WouldBlock) {
                return BodyRead::Timeout;
            }
            if (got <= 0) {
                return BodyRead::Closed;
            }
            buf_.append(chunk, static_cast<size_t>(got));
        }
        return BodyRead::Ok;
    }

    // One line without its CRLF; limit guards against a line that never ends.
    BodyRead::Status line(std::string& out, size_t limit) {
        for (;;) {
            const size_t end = buf_.find("\r\n", pos_);
            if (end != std::string::npos) {
                out = buf_.substr(pos_, end - pos_);
                pos_ = end + 2;
                return BodyRead::Ok;
            }
            if (buf_.size() - pos_ > limit) {
                return BodyRead::Malformed;
            }
            BodyRead::Status s = need(buf_.size() - pos_ + 1);
            if (s != BodyRead::Ok) {
                return s;
            }
        }
    }

    std::string take(size_t n) {
        std::string out = buf_.substr(pos_, n);
        pos_ += n;
        return out;
    }
    std::string rest() const { return buf_.substr(pos_); }

private:
    Transport& io_;
    std::string buf_;
    size_t pos_ = 0;
    int64_t deadlineUs_;
};

BodyRead failed(BodyRead::Status status, const std::string& error) {
    BodyRead out;
    out.status = status;
    out.error = error;
    return out;
}

BodyRead readChunked(Input& in, size_t limit) {
    BodyRead out;
    for (;;) {
        std::string sizeLine;
        BodyRead::Status s = in.line(sizeLine, 1024);
        if (s != BodyRead::Ok) {
            return failed(s, "the chunked request body ended early or had a bad chunk size line");
        }
        const std::string hex = Poco::trim(sizeLine.substr(0, sizeLine.find(';')));
        uint64_t size = 0;
        if (hex.empty() || hex.size() > 15 || !Poco::NumberParser::tryParseHex64(hex, size)) {
            return failed(BodyRead::Malformed, "bad chunk size '" + hex + "' in the request body");
        }
        if (size == 0) {
            break;
        }
        if (out.body.size() + size > limit) {
            return failed(BodyRead::TooLarge, "request body above " + std::to_string(limit) + " bytes");
        }
        if ((s = in.need(size + 2)) != BodyRead::Ok) {
            return failed(s, "the chunked request body ended early");
        }
        out.body += in.take(size);
        if (in.take(2) != "\r\n") {
            return failed(BodyRead::Malformed, "a chunk of the request body does not end with CRLF");
        }
    }
    for (std::string trailer = "x"; !trailer.empty();) {  // trailers, up to the blank line
        BodyRead::Status s = in.line(trailer, 8192);
        if (s != BodyRead::Ok) {
            return failed(s, "the chunked request body has no end");
        }
    }
    out.rest = in.rest();
    return out;
}

}  // namespace

BodyRead readRequestBody(Transport& io, const Poco::Net::HTTPRequest& request, std::string already, size_t limit,
                         int64_t deadlineUs) {
    Input in(io, std::move(already), deadlineUs);
    const std::string encoding = request.get("Transfer-Encoding", "");
    if (!encoding.empty()) {
        if (Poco::icompare(Poco::trim(encoding), "chunked") != 0) {
            return failed(BodyRead::Malformed, "Transfer-Encoding '" + encoding + "' is not supported (only chunked)");
        }
        return readChunked(in, limit);
    }
    uint64_t length = 0;
    const std::string lengthText = request.get("Content-Length", "");
    if (!lengthText.empty() && (lengthText.find_first_not_of("0123456789") != std::string::npos ||
                                lengthText.size() > 15 || !Poco::NumberParser::tryParseUnsigned64(lengthText, length))) {
        return failed(BodyRead::Malformed, "bad Content-Length '" + lengthText + "'");
    }
    if (length > limit) {
        return failed(BodyRead::TooLarge, "request body above " + std::to_string(limit) + " bytes");
    }
    BodyRead::Status s = in.need(length);
    if (s != BodyRead::Ok) {
        return failed(s, "the request body ended before its Content-Length");
    }
    BodyRead out;
    out.body = in.take(length);
    out.rest = in.rest();
    return out;
}

}  // namespace rtmtap
