#include "WsServer.h"

#include "WsUpgrade.h"
#include "proxy/HttpHead.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <sys/socket.h>
#include <system_error>

namespace rtmtap {

WsServer::WsServer(WsServerOptions options, WsHandlerFactory factory, const Clock& clock)
    : options_(std::move(options)), factory_(std::move(factory)), clock_(clock),
      socket_(listenOn(options_.host, options_.port, 1024)), port_(socket_.address().port()) {}

WsServer::~WsServer() {
    stop();
}

Poco::Net::ServerSocket WsServer::listenOn(const std::string& host, uint16_t port, int backlog) {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(host, port), true, false);
    socket.listen(backlog);
    return socket;
}

std::string WsServer::url() const {
    return "ws://" + options_.host + ":" + std::to_string(port_);
}

size_t WsServer::connectionCount() const {
    std::lock_guard lock(mutex_);
    return open_;
}

void WsServer::start() {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) {
        return;
    }
    // A write to a client that went away must fail with EPIPE, not end the process.
    std::signal(SIGPIPE, SIG_IGN);
    started_ = true;
    acceptor_ = std::thread([this] { acceptLoop(); });
}

void WsServer::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    // Wakes the blocking accept (no polling).
    ::shutdown(socket_.impl()->sockfd(), SHUT_RDWR);
    if (acceptor_.joinable()) {
        acceptor_.join();
    }
    socket_.close();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        for (auto& [id, slot] : slots_) {
            slot.conn->abort();  // stopping: no lingering for clients to close
            threads.push_back(std::move(slot.thread));
        }
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::lock_guard lock(mutex_);
    slots_.clear();
    finished_.clear();
}

void WsServer::acceptLoop() {
    for (;;) {
        try {
            std::unique_ptr<Transport> io;
            {
                Poco::Net::StreamSocket socket = socket_.acceptConnection();
                io = std::make_unique<Transport>(socket);
            }  // the transport holds the only reference before a connection thread may use it
            admit(std::move(io));
        } catch (const Poco::Exception& e) {
            std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            std::cerr << "rtmtap: accept failed: " << e.displayText() << std::endl;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));  // e.g. out of descriptors
        }
    }
}

void WsServer::admit(std::unique_ptr<Transport> io) {
    std::lock_guard lock(mutex_);
    reapFinished();
    if (stopping_ || slots_.size() >= static_cast<size_t>(options_.maxConnections)) {
        refuseUpgrade(*io, {503, "Service Unavailable", "rtmtap: too many connections", ""});
        return;
    }
    const uint64_t id = nextSlot_++;
    Slot& slot = slots_[id];
    slot.conn = std::shared_ptr<WsConnection>(new WsConnection(std::move(io), options_, clock_));
    try {
        // The thread's own reference keeps the connection alive whatever its slot does.
        slot.thread = std::thread([this, id, conn = slot.conn] {
            serve(*conn);
            conn->closeTransport();
            std::lock_guard done(mutex_);
            finished_.push_back(id);
        });
    } catch (const std::system_error&) {
        refuseUpgrade(slot.conn->transport(), {503, "Service Unavailable", "rtmtap: no thread for the connection", ""});
        slots_.erase(id);
    }
}

void WsServer::reapFinished() {
    for (uint64_t id : finished_) {
        auto it = slots_.find(id);
        if (it != slots_.end() && it->second.thread.joinable()) {
            it->second.thread.join();  // it has nothing left to do but return
            slots_.erase(it);
        }
    }
    finished_.clear();
}

void WsServer::serve(WsConnection& conn) {
    const int64_t deadline = monotonicNowUs() + int64_t(options_.handshakeTimeoutMs) * 1000;
    WsUpgradeRequest request = readUpgradeRequest(conn.transport(), deadline);
    if (!request.upgrade) {
        return;
    }
    std::shared_ptr<WsHandler> handler;
    try {
        handler = factory_(request.info);
    } catch (const std::exception& e) {
        refuseUpgrade(conn.transport(), {500, "Internal Server Error", std::string("rtmtap: ") + e.what(), ""});
        return;
    }
    if (!handler) {
        refuseUpgrade(conn.transport(), {503, "Service Unavailable", "rtmtap: no handler for this connection", ""});
        return;
    }
    if (!writeAll(conn.transport(), switchingProtocols(request.key, request.info.subprotocol))) {
        return;
    }
    {
        std::lock_guard lock(mutex_);
        request.info.id = options_.sessionId ? options_.sessionId() : nextSessionId_++;
        ++open_;
    }
    conn.run(*handler, std::move(request.info), request.early);
    std::lock_guard lock(mutex_);
    --open_;
}

}  // namespace rtmtap
