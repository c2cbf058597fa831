#include "RawUpstream.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/WebSocket.h>

#include <chrono>

namespace rtmtap::test {
namespace {

// WebSocket's accept computation is protected.
class AcceptKey : public Poco::Net::WebSocket {
public:
    using WebSocket::computeAccept;
};

std::string headerValue(const std::string& head, const std::string& name) {
    const size_t at = head.find("\r\n" + name + ": ");
    if (at == std::string::npos) {
        return "";
    }
    const size_t start = at + 4 + name.size();
    return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

RawUpstream::RawUpstream() : server_(Poco::Net::SocketAddress("127.0.0.1", 0), 16) {
    thread_ = std::thread([this] { serve(); });
}

RawUpstream::~RawUpstream() {
    stop();
}

std::string RawUpstream::url() const {
    return "ws://127.0.0.1:" + std::to_string(server_.address().port());
}

void RawUpstream::stop() {
    if (stopping_.exchange(true)) {
        return;
    }
    thread_.join();
    for (std::thread& t : connections_) {
        t.join();
    }
    server_.close();
}

// Everything polls with a short timeout, so that stop() needs nothing more than the flag.
void RawUpstream::serve() {
    while (!stopping_) {
        try {
            if (!server_.poll(Poco::Timespan(50000), Poco::Net::Socket::SELECT_READ)) {
                continue;
            }
            Poco::Net::StreamSocket socket = server_.acceptConnection();
            size_t conn;
            {
                std::lock_guard<std::mutex> lock(mutex_);
                conn = frames_.size();
                frames_.emplace_back();
            }
            connections_.emplace_back([this, socket, conn]() mutable {
                try {
                    serveOne(socket, conn);
                } catch (const Poco::Exception&) {
                    // The proxy went away: what arrived is kept.
                }
            });
        } catch (const Poco::Exception&) {
            // A failed accept: take the next.
        }
    }
}

void RawUpstream::serveOne(Poco::Net::StreamSocket& socket, size_t conn) {
    std::string buffer;
    char chunk[65536];
    auto fill = [&]() {
        while (!stopping_) {
            if (socket.poll(Poco::Timespan(50000), Poco::Net::Socket::SELECT_READ)) {
                int n = socket.receiveBytes(chunk, sizeof chunk);
                if (n <= 0) {
                    return false;
                }
                buffer.append(chunk, static_cast<size_t>(n));
                return true;
            }
        }
        return false;
    };
    size_t end;
    while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
        if (!fill()) {
            return;
        }
    }
    const std::string head = buffer.substr(0, end + 4);
    buffer.erase(0, end + 4);
    const std::string answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                               "Sec-WebSocket-Accept: " +
                               AcceptKey::computeAccept(headerValue(head, "Sec-WebSocket-Key")) + "\r\n\r\n";
    socket.sendBytes(answer.data(), static_cast<int>(answer.size()));
    for (;;) {
        RawFrame f;
        HeaderParse parsed = parseFrameHeader(buffer.data(), buffer.size(), f.header);
        if (parsed == HeaderParse::Invalid) {
            return;
        }
        if (parsed == HeaderParse::Ok && buffer.size() >= f.header.headerSize + f.header.length) {
            f.payload = buffer.substr(f.header.headerSize, f.header.length);
            if (f.header.masked) {
                applyMask(f.payload.data(), f.payload.size(), f.header.mask);
            }
            buffer.erase(0, f.header.headerSize + f.header.length);
            add(conn, std::move(f));
            continue;
        }
        if (!fill()) {
            return;
        }
    }
}

void RawUpstream::add(size_t conn, RawFrame frame) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        frames_[conn].push_back(std::move(frame));
    }
    changed_.notify_all();
}

bool RawUpstream::waitForFrames(size_t n, size_t conn, int timeoutMs) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                             [&] { return conn < frames_.size() && frames_[conn].size() >= n; });
}

std::vector<RawFrame> RawUpstream::frames(size_t conn) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return conn < frames_.size() ? frames_[conn] : std::vector<RawFrame>();
}

}  // namespace rtmtap::test
