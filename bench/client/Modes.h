#pragma once
// The load client's modes. Each prints a human summary and a last line
//   RESULT mode=<mode> key=value ...
// that bench/run.sh parses. Exit status: 0 ok, 1 the run failed (errors, timeouts), 2 bad usage.
#include "../src/Handshake.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::bench {

struct ClientOptions {
    std::string url;
    WsUrl target;
    long count = 20000;       // latency: measured round trips
    long warmup = 1000;       // latency: round trips before measuring
    long size = 300;          // latency/throughput: message size in bytes
    long connections = 100;   // throughput / connect
    long window = 8;          // throughput: messages in flight per connection
    double seconds = 10;      // throughput: measuring time
    double holdSeconds = 5;   // connect: how long to hold all connections open
    long parallel = 0;        // connect: handshakes outstanding at once (0: all)
    double timeoutSeconds = 120;  // hard bound on any one phase
    std::string kind;         // attack: which hostile peer (see AttackMode.cpp)
};

int runLatency(const ClientOptions& options);
int runThroughput(const ClientOptions& options);
int runBurst(const ClientOptions& options);
int runConnect(const ClientOptions& options);
int runAttack(const ClientOptions& options);

// Helpers shared by the modes.
std::string benchCommand(long size, long seq);  // an RTM-looking command of about size bytes
std::string jwtLikeToken(long index);
int64_t percentile(std::vector<int64_t>& sortedSamples, double p);  // samples must be sorted
// Sorts samples; returns "<prefix>p50_us=.. <prefix>p90_us=.. <prefix>p99_us=.. <prefix>max_us=..".
std::string latencySummary(std::vector<int64_t>& samples, const std::string& prefix = "");

}  // namespace rtmtap::bench
