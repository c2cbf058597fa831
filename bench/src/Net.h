#pragma once
// Socket and clock helpers shared by the benchmark tools (Linux only).
#include <cstdint>
#include <sys/types.h>
#include <string>

namespace rtmtap::bench {

int64_t nowUs();  // CLOCK_MONOTONIC in microseconds

// Raises the soft RLIMIT_NOFILE to at least want (capped by the hard limit); returns the result.
long raiseNofile(long want);

bool setNonBlocking(int fd);
void setNoDelay(int fd);

// A non-blocking listening socket on host:port (port 0 picks one); -1 with error on failure.
int listenTcp(const std::string& host, int port, bool reusePort, std::string& error);
int boundPort(int fd);

// Starts a non-blocking connect; -1 with error when it fails at once.
int connectTcp(const std::string& host, int port, std::string& error);

// Asks the kernel to stamp every packet fd receives (SO_TIMESTAMPING, software receive stamps).
bool enableRxStamps(int fd);
// recv() that also gives the kernel's receive stamp of the last bytes read, as CLOCK_MONOTONIC µs
// (the stamp is CLOCK_REALTIME: converted with both clocks read at once); 0 when none came.
ssize_t recvStamped(int fd, char* buf, size_t len, int64_t& arrivedUs);

// Small fast PRNG for mask keys and handshake keys (quality does not matter here).
class Rng {
public:
    explicit Rng(uint64_t seed) : s_(seed ? seed : 0x9E3779B97F4A7C15ull) {}
    uint64_t next() {
        s_ ^= s_ << 13;
        s_ ^= s_ >> 7;
        s_ ^= s_ << 17;
        return s_;
    }

private:
    uint64_t s_;
};

std::string randomBytes(Rng& rng, size_t n);

}  // namespace rtmtap::bench
