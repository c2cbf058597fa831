#pragma once
// The commands' side of the control socket: connects to the proxy that records into a database
// and asks it one request at a time (control/ControlHandler.h has the protocol).
#include "JsonLineChannel.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace rtmtap {

// No proxy answers on the database's control socket: the file is absent, or left by a proxy
// that ended (connecting is refused). what() is one line that says so and what to do.
struct NoProxyRunning : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ControlClient {
public:
    // Connects to ControlServer::pathFor(dbPath). Throws NoProxyRunning, or std::runtime_error
    // (one line) when the socket is there but cannot be used (permissions, no answer).
    explicit ControlClient(const std::string& dbPath, int timeoutMs = 30000);
    ~ControlClient();

    // Sends one request object (JSON text) and returns the parsed answer. Throws
    // std::runtime_error (one line) when the proxy goes away or answers something unreadable.
    Poco::JSON::Object::Ptr request(const std::string& json);

    const std::string& socketPath() const { return path_; }
    const std::string& dbPath() const { return dbPath_; }
    // The connection itself, for a client that goes on streaming after a request (intercept).
    JsonLineChannel& channel() { return *channel_; }

private:
    std::string dbPath_, path_;
    std::unique_ptr<JsonLineChannel> channel_;
};

}  // namespace rtmtap
