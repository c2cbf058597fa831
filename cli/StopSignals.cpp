#include "StopSignals.h"

#include <ctime>
#include <pthread.h>

namespace rtmtap::cli {

StopSignals::StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set_, &previous_);
}

StopSignals::~StopSignals() {
    const timespec now{0, 0};
    while (sigtimedwait(&set_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void StopSignals::wait() {
    while (!stopped_) {
        int signal = 0;
        stopped_ = sigwait(&set_, &signal) == 0;  // fails only for a bad set, which set_ is not
    }
}

bool StopSignals::waitFor(int ms) {
    if (stopped_) {
        return true;
    }
    if (ms < 0) {
        ms = 0;
    }
    const timespec slice{ms / 1000, (ms % 1000) * 1'000'000L};
    // EINTR (another signal's handler ran) ends the slice early: the caller's loop waits again.
    stopped_ = sigtimedwait(&set_, nullptr, &slice) > 0;
    return stopped_;
}

}  // namespace rtmtap::cli
