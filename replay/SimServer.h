#pragma once
// The simulator's WebSocket side: a WsServer with a SimConnection per client (the AirSend rules
// are there), the deliveries of world events to the right sockets, and one ping timer for all
// sockets, as the real server has: a protocol ping every interval, and a client that did not
// answer the previous one (or whose token has expired) is dropped at the next tick.
#include "SimConnection.h"
#include "SimJwt.h"
#include "SimWorld.h"
#include "WsServer.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap {

struct SimServerConfig {
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // 0: any free port
    int pingIntervalMs = 25000;  // 0: no timer thread; the owner ticks with pingAll()
    int maxConnections = 1000;
};

class SimServer {
public:
    // Binds at once (throws Poco::Exception when the port is taken).
    SimServer(const SimServerConfig& config, SimWorld& world, const SimJwt& jwt);
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    void start();
    void stop();  // drops every client; idempotent
    uint16_t port() const { return ws_->port(); }
    std::string url() const { return ws_->url(); }  // ws://HOST:PORT
    size_t connectionCount() const;

    // Sends each frame to every authenticated connection of its recipients.
    void deliver(const SimOutputs& outputs);
    // Sends one frame to the user's connections authenticated with this finger print's token
    // (system.ping); returns how many got it.
    size_t deliverToConnection(int64_t userId, const std::string& fingerPrint, const std::string& frame);
    // One tick of the ping timer, at the world clock's time: what the timer thread does every
    // pingIntervalMs. Public so that a test on a FakeClock (pingIntervalMs 0) drives it.
    void pingAll();

private:
    friend class SimConnection;
    void attach(const std::shared_ptr<SimConnection>& client);
    void detach(const std::shared_ptr<SimConnection>& client);
    std::vector<std::shared_ptr<SimConnection>> clients() const;
    void pingLoop();

    SimServerConfig config_;
    SimWorld& world_;
    const SimJwt& jwt_;
    std::unique_ptr<WsServer> ws_;
    mutable std::mutex mutex_;
    std::set<std::shared_ptr<SimConnection>> clients_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool started_ = false;
    std::thread pinger_;
};

}  // namespace rtmtap
