#pragma once
// The running proxy's control socket: a Unix domain socket beside the database (<db>.ctl, mode
// 0600, no TCP port) that `rtmtap inject` and `rtmtap sessions --live` talk to, one JSON line
// per request and per answer (control/ControlHandler.h has the protocol). Poco::Net::TCPServer
// serves it: a connection has a thread of a small pool of its own, so a client that connects and
// stalls holds only that thread, for at most the idle timeout, and never a relay. An intercepting
// connection (control/InterceptConnection.h) has no idle timeout: a person decides at their pace.
#include "ControlHandler.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/types.h>

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class StreamSocket;
class TCPServer;
}  // namespace Poco::Net

namespace rtmtap {

class LiveSessions;
class Proxy;

// The socket answers: another proxy already serves this path (and so records into its database).
struct ControlSocketBusy : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ControlServerOptions {
    int idleTimeoutMs = 10000;  // a connection that sends no whole request for this long is closed (not while it intercepts)
    int sendTimeoutMs = 10000;  // an answer the client does not take in this long ends it
    size_t maxLine = 32u << 20;  // a longer request gets an error answer and the connection ends
    int maxConnections = 8;     // served at once; more wait in the backlog
};

class ControlServer {
public:
    // "<db>.ctl": where the proxy recording into db listens, and where the commands look for it.
    static std::string pathFor(const std::string& dbPath);

    // Binds path and starts serving. A socket file left by a proxy that was killed (connecting is
    // refused) is replaced; a live one throws ControlSocketBusy; a path that is not a socket or
    // cannot be bound throws std::runtime_error; each with one line.
    ControlServer(std::string path, Proxy& proxy, LiveSessions& live, ControlServerOptions options = {});
    ~ControlServer();  // stop()
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    const std::string& path() const { return path_; }

    // Stops accepting, ends the open connections, waits for their threads and removes the socket
    // file (unless another process has put its own there since). Idempotent.
    void stop();

private:
    class Connection;
    class Factory;

    void serve(Poco::Net::StreamSocket& socket);  // one connection, on a pool thread
    bool enter(Poco::Net::StreamSocket& socket);  // false once stopping
    void leave(Poco::Net::StreamSocket& socket);

    std::string path_;
    ControlHandler handler_;
    ControlServerOptions options_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
    std::unique_ptr<Poco::ThreadPool> pool_;  // before server_: outlives it
    std::unique_ptr<Poco::Net::TCPServer> server_;

    std::mutex mutex_;
    std::condition_variable idle_;
    std::set<Poco::Net::StreamSocket*> open_;
    bool stopping_ = false;
    bool stopped_ = false;
};

}  // namespace rtmtap
