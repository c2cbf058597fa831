#include "BurstLog.h"

#include <iostream>

namespace rtmtap {

bool BurstLog::note(int64_t nowUs, const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    const bool starts = !any_ || nowUs - lastUs_ >= quietUs_;
    const uint64_t previous = inBurst_;
    any_ = true;
    lastUs_ = nowUs;
    inBurst_ = starts ? 1 : inBurst_ + 1;
    if (starts) {
        std::cerr << line;
        if (previous > 1) {
            std::cerr << " (" << previous << " in the previous burst)";
        }
        std::cerr << std::endl;
    }
    return starts;
}

}  // namespace rtmtap
