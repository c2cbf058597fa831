#pragma once
// The process's open-file limit (RLIMIT_NOFILE). Every session holds two descriptors and every
// pending handshake one, and the usual soft limit of 1024 is far below what --max-sessions allows:
// `rtmtap proxy` raises the soft limit to the hard one at start (as haproxy and nginx do).
#include <cstdint>

namespace rtmtap {

// Raises the soft limit to the hard limit; returns the soft limit in force afterwards (0 when it
// cannot be read; UINT64_MAX when unlimited).
uint64_t raiseOpenFileLimit();

}  // namespace rtmtap
