#pragma once
// A WebSocket server that runs a handler per connection: the simulator's WebSocket side, and the
// replay's. Heads go through proxy/HttpHead and POCO's HTTPRequest (WsUpgrade), frames through
// the project's RFC 6455 codec on the raw socket (WsConnection), not through Poco::Net::WebSocket,
// which in 1.11 checks nothing on receive (no 1002 possible) and loses the bytes of a frame cut
// short by a timeout (shared/notes/poco-1.11.md).
// One blocking accept thread; one thread per connection, from its request head to its end.
#include "WsConnection.h"
#include "WsHandler.h"
#include "WsServerOptions.h"
#include "protocol/Clock.h"

#include <Poco/Net/ServerSocket.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap {

class WsServer {
public:
    // Binds and listens at once (throws Poco::Exception when the address is taken); serves
    // after start(). Times in the tap's records come from clock.
    WsServer(WsServerOptions options, WsHandlerFactory factory, const Clock& clock = Clock::system());
    ~WsServer();  // stop()
    WsServer(const WsServer&) = delete;
    WsServer& operator=(const WsServer&) = delete;

    // A listening socket that fails when the port is taken (POCO's ServerSocket(address)
    // sets SO_REUSEPORT, so a second server would silently share the port).
    static Poco::Net::ServerSocket listenOn(const std::string& host, uint16_t port, int backlog);

    void start();
    // Stops accepting, drops every connection (handshakes included) and joins every thread;
    // each handler has heard onClose when it returns. Idempotent.
    void stop();
    uint16_t port() const { return port_; }
    std::string url() const;  // ws://HOST:PORT
    size_t connectionCount() const;  // upgraded and not yet ended

private:
    struct Slot {
        std::thread thread;
        std::shared_ptr<WsConnection> conn;
    };

    void acceptLoop();
    // io: an accepted socket. POCO counts socket references with atomics inside its own
    // (uninstrumented) library; so that ThreadSanitizer sees a socket's uses in order, the accept
    // thread holds none once a connection thread runs (the transport's is the only one).
    void admit(std::unique_ptr<Transport> io);
    void serve(WsConnection& conn);
    void reapFinished();  // joins the threads of connections that ended; caller holds mutex_

    const WsServerOptions options_;
    const WsHandlerFactory factory_;
    const Clock& clock_;
    Poco::Net::ServerSocket socket_;
    uint16_t port_ = 0;
    std::thread acceptor_;

    mutable std::mutex mutex_;
    std::map<uint64_t, Slot> slots_;
    std::vector<uint64_t> finished_;
    uint64_t nextSlot_ = 0;
    size_t open_ = 0;
    int64_t nextSessionId_ = 1;
    bool started_ = false;
    bool stopping_ = false;
};

}  // namespace rtmtap
