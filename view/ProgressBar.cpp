#include "ProgressBar.h"

#include <cstdio>
#include <unistd.h>

namespace rtmtap::view {

ProgressBar::ProgressBar(std::string what, uint64_t total, uint64_t minimum)
    : what_(std::move(what)), total_(total), shown_(total >= minimum && total > 0 && ::isatty(STDERR_FILENO)) {}

ProgressBar::~ProgressBar() {
    if (shown_ && lastPercent_ >= 0) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
    }
}

void ProgressBar::update(uint64_t done) {
    if (!shown_) {
        return;
    }
    int percent = static_cast<int>(done >= total_ ? 100 : done * 100 / total_);
    if (percent == lastPercent_) {
        return;  // redraw only when the picture changes
    }
    lastPercent_ = percent;
    constexpr int kWidth = 30;
    std::string bar(static_cast<size_t>(percent * kWidth / 100), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %3d%%", what_.c_str(), bar.c_str(), percent);
    std::fflush(stderr);
}

}  // namespace rtmtap::view
