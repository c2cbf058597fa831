#include "ShipRetry.h"

#include "PgError.h"

#include <algorithm>

namespace rtmtap::pg {
namespace {

bool startsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

// libpq reports every failure to connect as 08001 without the server's SQLSTATE, so the few that
// no retry can fix are told apart by the server's message.
bool refusedLogin(const std::string& message) {
    for (const char* words : {"password authentication failed", "does not exist", "pg_hba.conf",
                              "authentication failed", "no password supplied", "permission denied"}) {
        if (message.find(words) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool ShipRetry::isTransient(const PgError& e) {
    const std::string& state = e.sqlstate();
    if (startsWith(state, "28") || state == "3D000") {
        return false;
    }
    if (e.connectionLost()) {
        return !refusedLogin(e.what());
    }
    return startsWith(state, "08") || startsWith(state, "57P0") || state == "40001" || state == "40P01" ||
           startsWith(state, "53");
}

int ShipRetry::nextDelayMs() {
    int delay = nextMs_;
    nextMs_ = std::min(kMaxMs, nextMs_ * 2);
    return delay;
}

}  // namespace rtmtap::pg
