#pragma once
// `rtmtap simulate`: an embedded AirSend server. Owns the world, the WebSocket server, the HTTP
// API and the chatter thread that gives connected clients realistic background traffic.
#include "SimApi.h"
#include "SimChatter.h"
#include "SimJwt.h"
#include "SimServer.h"
#include "SimWorld.h"
#include "protocol/Clock.h"

#include "proxy/HttpService.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace rtmtap {

struct SimulatorConfig {
    std::string wsHost = "127.0.0.1";
    uint16_t wsPort = 9001;  // 0: any free port
    std::string apiHost = "127.0.0.1";
    uint16_t apiPort = 8080;  // 0: any free port
    uint64_t seed = 1;
    int users = 5;
    int channels = 3;
    double chatterPerMinute = 30;  // background activities a minute; 0: none
    int pingIntervalMs = 25000;  // 0: no ping timer; wsServer().pingAll() ticks it
    SimFlavor flavor = SimFlavor::Doc;
    std::string secret = "rtmtap-simulator-secret";  // the HS256 key of every token
    int maxConnections = 1000;
};

class Simulator {
public:
    // Binds both ports (throws Poco::Exception when one is taken); start() serves.
    explicit Simulator(const SimulatorConfig& config, const Clock& clock = Clock::system());
    ~Simulator();
    Simulator(const Simulator&) = delete;
    Simulator& operator=(const Simulator&) = delete;

    void start();
    void stop();  // idempotent

    std::string apiUrl() const;  // http://HOST:PORT
    std::string wsUrl() const;   // ws://HOST:PORT
    SimWorld& world() { return world_; }
    SimServer& wsServer() { return *ws_; }
    const SimJwt& jwt() const { return jwt_; }
    // One chatter step, delivered to the connected clients (the chatter thread calls it too).
    void tick();

private:
    void chatterLoop();

    SimulatorConfig config_;
    SimWorld world_;
    SimJwt jwt_;
    SimChatter chatter_;
    std::mutex chatterMutex_;  // tick() from a test and the chatter thread
    std::unique_ptr<SimServer> ws_;
    std::unique_ptr<SimApi> api_;
    std::unique_ptr<HttpService> apiServer_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool started_ = false;
    std::thread chatterThread_;
};

}  // namespace rtmtap
