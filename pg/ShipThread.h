#pragma once
// `rtmtap proxy --ship URL`: the shipper (pg/Shipper) on a thread of its own, following the file
// the proxy's recorder writes. It is off the relay's path by construction: it shares nothing with
// the relay or the recorder but the file, which it reads through its own read-only connection
// (WAL: a reader never blocks the writer, and each batch's read is short so checkpoints go on);
// a server that is slow, down or refusing only delays the shipping, which catches up later and
// says so. Its only output is log lines.
#include "Shipper.h"

#include <memory>

namespace rtmtap::pg {

class ShipThread {
public:
    // Starts following options.dbPath (start it after the recorder made the file).
    ShipThread(ShipperOptions options, Shipper::Log log);
    ~ShipThread();  // stop(0)
    ShipThread(const ShipThread&) = delete;
    ShipThread& operator=(const ShipThread&) = delete;

    // Ends the following and, with finalMs > 0, ships what the recorder wrote last, for up to
    // finalMs (a batch in flight: 3 s more). A server that stalls in the middle of a batch is
    // not waited for beyond that: the thread is left to the process's exit (its batch never commits, so nothing is
    // shipped twice) and what is left ships with the next `rtmtap ship` or `proxy --ship`.
    // Call after the recorder closed.
    void stop(int finalMs);
    ShipTotals totals() const;

private:
    struct State;
    std::shared_ptr<State> state_;  // shared with the thread: it may outlive this object
};

}  // namespace rtmtap::pg
