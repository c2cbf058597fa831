#pragma once
// One client of the simulator: the WsServer handler that behaves as the AirSend RTM server does
// with one socket (airsend-rtm.md, protocol-notes.md): ws_auth first (a bad signature or an
// expired token drops TCP, no close frame); invalid JSON, null, a missing, unknown or internal
// command drops; ws_ping -> {"event":"pong"} at any time. Its reader thread runs the commands;
// deliveries and the server's ping tick send from other threads (WsConnection serialises).
#include "SimJwt.h"
#include "SimWorld.h"
#include "WsConnection.h"
#include "WsHandler.h"

#include <Poco/JSON/Object.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace rtmtap {

class SimServer;

class SimConnection : public WsHandler, public std::enable_shared_from_this<SimConnection> {
public:
    SimConnection(SimServer& server, SimWorld& world, const SimJwt& jwt);

    void onOpen(WsConnection& conn) override;
    void onMessage(WsConnection& conn, const Message& message) override;
    void onClose(WsConnection& conn, const WsEnd& end) override;

    // One event frame; false when the client is gone.
    bool send(const std::string& frame);
    // The server's ping tick: a protocol ping, or a drop when the previous ping went unanswered
    // or the token has expired.
    void tick(int64_t nowUnix);
    int64_t userId() const { return userId_; }  // 0 until ws_auth succeeds
    std::string fingerPrint() const;            // of the token ws_auth accepted last

private:
    bool dispatch(const std::string& text);  // false: drop the client
    bool authenticate(const std::string& token);
    void runCommand(const std::string& command, const Poco::JSON::Object& obj);

    SimServer& server_;
    SimWorld& world_;
    const SimJwt& jwt_;
    std::shared_ptr<WsConnection> conn_;  // set by onOpen, before the server can see this client
    std::atomic<int64_t> userId_{0};
    std::atomic<int64_t> expiry_{0};  // the token's expiry, unix seconds
    std::atomic<bool> awaitingPong_{false};
    mutable std::mutex fingerPrintMutex_;  // ws_auth (reader thread) and system.ping (API threads)
    std::string fingerPrint_;
};

}  // namespace rtmtap
