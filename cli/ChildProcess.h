#pragma once
// Runs another program (the user's editor, xdg-open) and waits for it, with the signals it
// would have had from a shell: SIGINT, SIGQUIT, SIGTERM and SIGPIPE at their default actions and
// none blocked, whatever rtmtap ignores or blocks itself (StopSignals blocks SIGINT and SIGTERM;
// servers ignore SIGPIPE; both would otherwise pass to the child and on to what it starts).
// posix_spawn rather than Poco::Process: POCO cannot reset the signals in the child.
#include <string>
#include <vector>

namespace rtmtap::cli {

struct ChildResult {
    int spawnError = 0;  // errno of posix_spawn; 0: it ran
    int status = 0;      // waitpid's status when it ran
};

// program: a path, or with searchPath a name looked up on PATH. args: argv, argv[0] included.
ChildResult runChild(const std::string& program, const std::vector<std::string>& args, bool searchPath);

}  // namespace rtmtap::cli
