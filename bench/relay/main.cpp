// bench_relay: the reference TCP relay of the benchmark (see TcpRelay.h).
#include "../src/Net.h"
#include "TcpRelay.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

std::atomic<bool> gStopping{false};

void onSignal(int) { gStopping = true; }

bool hostPort(const std::string& text, std::string& host, int& port) {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return false;
    }
    host = text.substr(0, colon);
    char* end = nullptr;
    long p = std::strtol(text.c_str() + colon + 1, &end, 10);
    port = int(p);
    return *end == '\0' && p >= 0 && p <= 65535;
}

}  // namespace

int main(int argc, char** argv) {
    std::string listenHost = "127.0.0.1", upHost;
    int listenPort = 0, upPort = 0;
    int lifetime = 3600;
    bool ok = true;
    for (int i = 1; i + 1 < argc && ok; i += 2) {
        std::string arg = argv[i];
        if (arg == "--listen") {
            ok = hostPort(argv[i + 1], listenHost, listenPort);
        } else if (arg == "--upstream") {
            ok = hostPort(argv[i + 1], upHost, upPort) && upPort > 0;
        } else if (arg == "--lifetime") {
            lifetime = std::atoi(argv[i + 1]);
        } else {
            ok = false;
        }
    }
    if (!ok || argc % 2 == 0 || upHost.empty()) {
        std::fprintf(stderr, "usage: bench_relay --upstream HOST:PORT [--listen HOST:PORT] [--lifetime SECONDS]\n");
        return 2;
    }
    rtmtap::bench::raiseNofile(1 << 16);
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::string error;
    int fd = rtmtap::bench::listenTcp(listenHost, listenPort, false, error);
    if (fd < 0) {
        std::fprintf(stderr, "bench_relay: %s\n", error.c_str());
        return 2;
    }
    std::printf("bench_relay: listening on %s:%d -> %s:%d\n", listenHost.c_str(), rtmtap::bench::boundPort(fd),
                upHost.c_str(), upPort);
    std::fflush(stdout);
    rtmtap::bench::TcpRelay relay(fd, upHost, upPort, gStopping);
    relay.run(rtmtap::bench::nowUs() + int64_t(lifetime) * 1000000);
    return 0;
}
