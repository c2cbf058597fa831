#include "tests/support/Shell.h"

namespace rtmtap::test {

RunResult runShell(const std::string& script, int timeoutMs) {
    RunResult r;
    r.status = Process::run({"-c", script}, r.out, r.err, timeoutMs, "/bin/sh");
    return r;
}

bool haveTool(const std::string& name) {
    return runShell("command -v " + shellQuote(name) + " >/dev/null").code() == 0;
}

}  // namespace rtmtap::test
