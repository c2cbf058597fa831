#pragma once
// A minimal WebSocket echo server on 127.0.0.1 (port 0), plain or TLS, for process-level tests
// of the rtmtap binary: it echoes text and binary messages with the same flags, answers a close
// frame with the same close frame, and counts connections and echoed messages.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace Poco {
class ThreadPool;
}
namespace Poco::Net {
class HTTPServer;
class WebSocket;
}  // namespace Poco::Net

namespace rtmtap::test {

class EchoUpstream {
public:
    struct Options {
        std::string tlsCert, tlsKey;  // both set: serve wss:// (Poco::Net::SecureServerSocket)
        int threads = 16;             // handler threads: one per live connection
    };

    EchoUpstream();
    explicit EchoUpstream(Options options);
    ~EchoUpstream();  // stop()
    EchoUpstream(const EchoUpstream&) = delete;
    EchoUpstream& operator=(const EchoUpstream&) = delete;

    uint16_t port() const { return port_; }
    // ws://127.0.0.1:PORT (or wss://HOST:PORT) + path
    std::string url(const std::string& path = "", const std::string& host = "127.0.0.1") const;

    uint64_t connections() const { return connections_; }
    uint64_t echoed() const { return echoed_; }

    // Shuts every live connection down (no close frame), stops the server, joins its threads.
    void stop();

private:
    class Handler;
    class Factory;
    friend class Handler;

    void serve(Poco::Net::WebSocket& ws);
    void track(Poco::Net::WebSocket* ws, bool add);

    Options options_;
    uint16_t port_ = 0;
    std::unique_ptr<Poco::ThreadPool> pool_;  // declared before server_: outlives it
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::atomic<uint64_t> connections_{0};
    std::atomic<uint64_t> echoed_{0};
    std::mutex mutex_;
    std::set<Poco::Net::WebSocket*> live_;
    bool stopped_ = false;
};

}  // namespace rtmtap::test
