#pragma once
// One stderr line per burst of the same trouble (clients refused, descriptors exhausted), not one
// per connection: a flood of refusals must not become a flood of lines. A burst ends after a
// quiet spell; the next one is said again, with how many the last burst held.
#include <cstdint>
#include <mutex>
#include <string>

namespace rtmtap {

class BurstLog {
public:
    explicit BurstLog(int64_t quietUs = 10'000'000) : quietUs_(quietUs) {}

    // Counts one occurrence at nowUs (monotonic); writes line to stderr when it starts a burst.
    // Thread-safe. Returns whether it wrote.
    bool note(int64_t nowUs, const std::string& line);

private:
    const int64_t quietUs_;
    std::mutex mutex_;
    int64_t lastUs_ = 0;
    bool any_ = false;
    uint64_t inBurst_ = 0;
};

}  // namespace rtmtap
