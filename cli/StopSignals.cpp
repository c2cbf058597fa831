#include "StopSignals.h"

#include <ctime>
#include <pthread.h>

namespace rtmtap::cli {

StopSignals::StopSignals(bool hangup) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    all_ = set_;
    if (hangup) {
        sigaddset(&all_, SIGHUP);
    }
    pthread_sigmask(SIG_BLOCK, &all_, &previous_);
}

StopSignals::~StopSignals() {
    const timespec now{0, 0};
    while (sigtimedwait(&all_, nullptr, &now) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void StopSignals::wait() {
    while (!stopped_) {
        int signal = 0;
        if (sigwait(&all_, &signal) != 0) {
            continue;  // fails only for a bad set, which all_ is not
        }
        if (signal == SIGHUP) {
            return;
        }
        stopped_ = true;
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
