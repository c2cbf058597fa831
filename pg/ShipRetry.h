#pragma once
// What the shipper does about a server error: a transient one (no connection, the server
// restarting or out of resources, a serialisation failure or deadlock) is retried after a wait
// that doubles from 0.5 s to 30 s; a permanent one (a refused password, no such database or role,
// no or a newer schema, a bad statement) is not worth retrying soon.
#include <string>

namespace rtmtap::pg {

class PgError;

class ShipRetry {
public:
    static constexpr int kFirstMs = 500;
    static constexpr int kMaxMs = 30'000;

    static bool isTransient(const PgError& e);

    // The wait before the next try: 0.5 s, 1 s, 2 s ... 30 s.
    int nextDelayMs();
    void reset() { nextMs_ = kFirstMs; }

private:
    int nextMs_ = kFirstMs;
};

}  // namespace rtmtap::pg
