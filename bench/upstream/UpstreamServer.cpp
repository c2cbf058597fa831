#include "UpstreamServer.h"

#include "../src/Net.h"
#include "UpstreamLoop.h"

#include <algorithm>
#include <thread>
#include <unistd.h>

namespace rtmtap::bench {

UpstreamServer::~UpstreamServer() {
    for (int fd : listeners_) {
        close(fd);
    }
}

bool UpstreamServer::bind(std::string& error) {
    int threads = std::max(1, options_.threads);
    int port = options_.port;
    for (int i = 0; i < threads; ++i) {
        // SO_REUSEPORT spreads connections over the loops; the first bind fixes the port.
        int fd = listenTcp(options_.host, port, threads > 1, error);
        if (fd < 0) {
            return false;
        }
        port = boundPort(fd);
        listeners_.push_back(fd);
    }
    port_ = port;
    return true;
}

void UpstreamServer::run() {
    int64_t deadline = nowUs() + int64_t(options_.lifetimeSec) * 1000000;
    std::vector<std::thread> workers;
    for (size_t i = 1; i < listeners_.size(); ++i) {
        workers.emplace_back([this, fd = listeners_[i], deadline] { UpstreamLoop(fd, stopping_, deadline).run(); });
    }
    if (!listeners_.empty()) {
        UpstreamLoop(listeners_[0], stopping_, deadline).run();
    }
    stopping_ = true;
    for (auto& t : workers) {
        t.join();
    }
}

}  // namespace rtmtap::bench
