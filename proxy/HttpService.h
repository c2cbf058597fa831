#pragma once
// An HTTP server on POCO's HTTPServer with a thread pool of its own, joined when it stops, and
// requests handed to one function: what the simulator's API, the replayed API and rtmtap ui
// each set up. A pool of its own because a handler on POCO's default pool could still be
// finishing its answer while the process exits and POCO's static buffer pools are destroyed
// (ThreadSanitizer saw it as a use of a destroyed mutex in Poco::MemoryPool::release).
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace rtmtap {

struct HttpServiceConfig {
    std::string host = "127.0.0.1";
    uint16_t port = 0;         // 0: any free port (port() says which)
    int threads = 16;          // requests handled at once; more wait in the queue
    int maxQueued = 64;        // connections beyond are refused
    int backlog = 64;
    int64_t idleTimeoutMs = 0;  // a keep-alive connection's wait for its next request; 0: POCO's
    int stackSize = 0;          // per thread, bytes; 0: the default
};

class HttpService {
public:
    using Handle = std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;

    // Binds and listens (throws Poco::Exception when it cannot); serves from start().
    HttpService(const HttpServiceConfig& config, Handle handle);
    ~HttpService();

    void start();
    // Stops accepting, aborts the connections and joins every handler; idempotent.
    void stop();
    uint16_t port() const { return port_; }

private:
    Handle handle_;
    uint16_t port_ = 0;
    std::unique_ptr<Poco::ThreadPool> pool_;  // declared before server_: outlives it
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    std::mutex mutex_;
};

}  // namespace rtmtap
