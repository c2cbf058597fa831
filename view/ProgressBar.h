#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal (STYLE.md: progress
// and diagnostics on stderr, never in the data), and only for work large enough to wait for.
#include <cstdint>
#include <string>

namespace rtmtap::view {

class ProgressBar {
public:
    // Shown when stderr is a terminal and total is at least minimum.
    ProgressBar(std::string what, uint64_t total, uint64_t minimum);
    ~ProgressBar();  // clears the line

    void update(uint64_t done);

private:
    std::string what_;
    uint64_t total_;
    bool shown_;
    int lastPercent_ = -1;
};

}  // namespace rtmtap::view
