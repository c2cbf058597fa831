#pragma once
// SIGINT and SIGTERM for the long-running commands (proxy, simulate, client, tail), taken
// synchronously: no handler, so nothing async-signal-unsafe, and no thread but the caller's.
// The constructor blocks both signals in the calling thread; threads started afterwards inherit
// the mask, so a signal stays pending for the process until wait() or waitFor() takes it.
// Construct it before any thread starts (a thread started earlier could take the signal with
// its default action: the process would die instead of stopping cleanly).
#include <csignal>

namespace rtmtap::cli {

class StopSignals {
public:
    // hangup: SIGHUP is taken too (rtmtap proxy --rules re-reads its file): wait() returns after
    // one with stopped() still false. Without it SIGHUP keeps its default action.
    explicit StopSignals(bool hangup = false);
    // Takes any stop signal still pending (a second Ctrl-C during shutdown must not kill the
    // process once the mask is back), then restores the mask the constructor found.
    ~StopSignals();
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // Until SIGINT or SIGTERM arrives (or SIGHUP, when taken); at once when a stop signal was
    // taken before.
    void wait();
    // Up to ms milliseconds (0: just look); true when a stop signal arrived, now or before
    // (a SIGHUP stays pending for wait()).
    bool waitFor(int ms);
    // True once a signal was taken by wait() or waitFor(). The methods are for one thread.
    bool stopped() const { return stopped_; }

private:
    sigset_t set_;     // the stop signals
    sigset_t all_;     // and SIGHUP, when taken
    sigset_t previous_;
    bool stopped_ = false;
};

}  // namespace rtmtap::cli
