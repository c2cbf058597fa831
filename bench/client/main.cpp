// bench_client: the epoll load client of the rtmtap benchmark (see Modes.h and bench/README.md).
#include "../src/Net.h"
#include "Modes.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void usage() {
    std::fprintf(stderr,
                 "usage: bench_client MODE ws://HOST:PORT/PATH [options]\n"
                 "modes:\n"
                 "  latency     1 connection, window 1: -n ROUND_TRIPS (20000) --warmup N (1000) --size BYTES (300)\n"
                 "  throughput  -c CONNECTIONS (100) -w IN_FLIGHT (8) -d SECONDS (10) --size BYTES (300)\n"
                 "  burst       one connection to /burst?n=N&size=S; events/s and MB/s\n"
                 "  connect     -c CONNECTIONS (1000) --hold SECONDS (5) --parallel N (0: all at once);\n"
                 "              each sends ws_auth; prints ALL_CONNECTED when all are upgraded\n"
                 "  attack      --kind idle|slowloris|garbage|noread|blackhole|fragments -c CONNECTIONS (1)\n"
                 "              -d SECONDS (until SIGTERM) --size BYTES (fragments: the message, 16 MiB);\n"
                 "              hostile peers for bench/attack.sh, prints ATTACK_READY once they are on\n"
                 "common: --timeout SECONDS (120), bound on each phase\n"
                 "The last line of output is 'RESULT mode=... key=value ...'.\n");
}

bool number(const char* text, double& out) {
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end != text && *end == '\0' && out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace rtmtap::bench;
    if (argc < 3) {
        usage();
        return 2;
    }
    std::string mode = argv[1];
    ClientOptions o;
    o.url = argv[2];
    if (mode == "connect") {
        o.connections = 1000;
    }
    if (mode == "attack") {
        o.connections = 1;
        o.seconds = 24 * 3600;
        o.size = 16L << 20;
    }
    std::string error;
    if (!parseWsUrl(o.url, o.target, error)) {
        std::fprintf(stderr, "bench_client: %s\n", error.c_str());
        return 2;
    }
    for (int i = 3; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--kind" && i + 1 < argc) {
            o.kind = argv[++i];
            continue;
        }
        double v = 0;
        if (i + 1 >= argc || !number(argv[i + 1], v)) {
            std::fprintf(stderr, "bench_client: option %s needs a non-negative number\n", arg.c_str());
            return 2;
        }
        ++i;
        if (arg == "-n") {
            o.count = long(v);
        } else if (arg == "--warmup") {
            o.warmup = long(v);
        } else if (arg == "--size") {
            o.size = long(v);
        } else if (arg == "-c") {
            o.connections = long(v);
        } else if (arg == "-w") {
            o.window = std::max(1L, long(v));
        } else if (arg == "-d") {
            o.seconds = v;
        } else if (arg == "--hold") {
            o.holdSeconds = v;
        } else if (arg == "--parallel") {
            o.parallel = long(v);
        } else if (arg == "--timeout") {
            o.timeoutSeconds = v;
        } else {
            usage();
            return 2;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);
    long limit = raiseNofile(o.connections + 256);
    if (limit < o.connections + 16) {
        std::fprintf(stderr, "bench_client: open-file limit %ld is too low for %ld connections (raise ulimit -n)\n",
                     limit, o.connections);
        return 2;
    }
    if (mode == "latency") {
        return runLatency(o);
    }
    if (mode == "throughput") {
        return runThroughput(o);
    }
    if (mode == "burst") {
        return runBurst(o);
    }
    if (mode == "connect") {
        return runConnect(o);
    }
    if (mode == "attack") {
        return runAttack(o);
    }
    usage();
    return 2;
}
