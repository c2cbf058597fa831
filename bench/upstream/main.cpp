// bench_upstream: the WebSocket server the benchmark measures against (see UpstreamServer.h).
#include "../src/Net.h"
#include "UpstreamServer.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

rtmtap::bench::UpstreamServer* gServer = nullptr;

void onSignal(int) {
    if (gServer != nullptr) {
        gServer->stop();
    }
}

void usage() {
    std::fprintf(stderr,
                 "usage: bench_upstream [--listen HOST:PORT] [--threads N] [--lifetime SECONDS]\n"
                 "  paths: /echo (default), /burst?n=N&size=BYTES, /idle, /blackhole (never answers)\n");
}

bool parseListen(const std::string& text, rtmtap::bench::UpstreamOptions& options) {
    size_t colon = text.rfind(':');
    if (colon == std::string::npos) {
        return false;
    }
    options.host = text.substr(0, colon);
    char* end = nullptr;
    long port = std::strtol(text.c_str() + colon + 1, &end, 10);
    options.port = int(port);
    return *end == '\0' && port >= 0 && port <= 65535 && !options.host.empty();
}

}  // namespace

int main(int argc, char** argv) {
    rtmtap::bench::UpstreamOptions options;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        bool hasValue = i + 1 < argc;
        if (arg == "--listen" && hasValue && parseListen(argv[i + 1], options)) {
            ++i;
        } else if (arg == "--threads" && hasValue) {
            options.threads = std::atoi(argv[++i]);
        } else if (arg == "--lifetime" && hasValue) {
            options.lifetimeSec = std::atoi(argv[++i]);
        } else {
            usage();
            return 2;
        }
    }
    rtmtap::bench::raiseNofile(1 << 16);
    std::signal(SIGPIPE, SIG_IGN);
    rtmtap::bench::UpstreamServer server(options);
    gServer = &server;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::string error;
    if (!server.bind(error)) {
        std::fprintf(stderr, "bench_upstream: %s\n", error.c_str());
        return 2;
    }
    std::printf("bench_upstream: listening on ws://%s:%d\n", options.host.c_str(), server.port());
    std::fflush(stdout);
    server.run();
    return 0;
}
