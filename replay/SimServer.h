#pragma once
// The simulator's WebSocket side: POCO HTTPServer, one pooled thread per client (sized for many
// clients), behaving as the AirSend RTM server does (airsend-rtm.md, protocol-notes.md):
// ws_auth first (a bad signature or an expired token drops TCP, no close frame); invalid JSON,
// null, a missing, unknown or internal command drops; ws_ping -> {"event":"pong"} at any time;
// a protocol ping every interval, and a client that did not answer the previous one is dropped.
#include "SimConnection.h"
#include "SimJwt.h"
#include "SimWorld.h"

#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace rtmtap {

struct SimServerConfig {
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // 0: any free port
    int pingIntervalMs = 25000;
    int maxConnections = 1000;
};

class SimServer {
public:
    SimServer(const SimServerConfig& config, SimWorld& world, const SimJwt& jwt);
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    // A listening socket that fails when the port is taken (POCO's ServerSocket(address)
    // sets SO_REUSEPORT, so a second server would silently share the port).
    static Poco::Net::ServerSocket listenOn(const std::string& host, uint16_t port, int backlog);

    void start();
    void stop();  // drops every client; idempotent
    uint16_t port() const { return port_; }
    std::string url() const;  // ws://HOST:PORT
    size_t connectionCount() const;

    // Sends each frame to every authenticated connection of its recipients.
    void deliver(const SimOutputs& outputs);

private:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void serve(const std::shared_ptr<SimConnection>& conn);
    bool dispatch(SimConnection& conn, const std::string& text);  // false: drop the client
    bool authenticate(SimConnection& conn, const std::string& token);
    void runCommand(SimConnection& conn, const std::string& command, const Poco::Dynamic::Var& json);
    void pingLoop();
    void pingAll();

    SimServerConfig config_;
    SimWorld& world_;
    const SimJwt& jwt_;
    uint16_t port_ = 0;
    std::unique_ptr<Poco::ThreadPool> pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    mutable std::mutex mutex_;
    std::set<std::shared_ptr<SimConnection>> connections_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool started_ = false;
    std::thread pinger_;
};

}  // namespace rtmtap
