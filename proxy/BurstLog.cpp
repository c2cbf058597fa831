#include "BurstLog.h"

#include <cstdio>

namespace rtmtap {

bool BurstLog::note(int64_t nowUs, const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    const bool starts = !any_ || nowUs - lastUs_ >= quietUs_;
    const uint64_t previous = inBurst_;
    any_ = true;
    lastUs_ = nowUs;
    inBurst_ = starts ? 1 : inBurst_ + 1;
    if (starts) {
        // stdio, not std::cerr: this line says "out of file descriptors", and UBSan's vptr check
        // of a call on std::cerr probes memory through a pipe it then cannot make, reporting an
        // invalid vptr (HandshakeLoop.OutOfDescriptors... under ASan+UBSan).
        std::string text = line;
        if (previous > 1) {
            text += " (" + std::to_string(previous) + " in the previous burst)";
        }
        std::fprintf(stderr, "%s\n", text.c_str());
        std::fflush(stderr);
    }
    return starts;
}

}  // namespace rtmtap
