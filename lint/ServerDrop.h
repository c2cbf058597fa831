#pragma once
// Why the real server drops a client for one of its frames (protocol-notes.md: invalid JSON, JSON
// null or not an object, no "command", an unknown or an internal command), decided once for the
// rules that report it (invalid-json, unknown-command) and the one that explains a drop by the
// frame before it (drop-without-close).
#include "LintFrame.h"

namespace rtmtap {

enum class ServerDrop { None, NotJson, NotObject, NoCommand, UnknownCommand, InternalCommand };

// None for a server frame, a control frame and a command the server accepts.
ServerDrop serverDropFor(const LintFrame& frame);

}  // namespace rtmtap
