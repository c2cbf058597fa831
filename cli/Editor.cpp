#include "Editor.h"

#include "ChildProcess.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace rtmtap::cli {

std::string editorCommand() {
    for (const char* name : {"VISUAL", "EDITOR"}) {
        const char* value = std::getenv(name);
        if (value && *value) {
            return value;
        }
    }
    return "vi";
}

// As git runs its editor: through sh, so that EDITOR="code --wait" works, with the path as "$1"
// (never quoted into the script). The terminal is inherited. While it runs, SIGINT and SIGQUIT
// (Ctrl-C, Ctrl-backslash) are the editor's: rtmtap ignores them, the editor gets them with their
// default actions (cli/ChildProcess).
std::string runEditor(const std::string& editor, const std::string& path) {
    struct sigaction ignore {}, oldInt {}, oldQuit {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &oldInt);
    sigaction(SIGQUIT, &ignore, &oldQuit);
    const ChildResult ran = runChild("/bin/sh", {"sh", "-c", editor + " \"$@\"", editor, path}, false);
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGQUIT, &oldQuit, nullptr);
    const std::string named = "'" + editor + "'";
    if (ran.spawnError != 0) {
        return named + " could not be started: /bin/sh: " + std::strerror(ran.spawnError);
    }
    if (WIFSIGNALED(ran.status)) {
        return named + " was killed by signal " + std::to_string(WTERMSIG(ran.status));
    }
    const int code = WEXITSTATUS(ran.status);
    if (code == 0) {
        return "";
    }
    return named + " exited with status " + std::to_string(code) + (code == 127 ? " (not found? set $VISUAL or $EDITOR)" : "");
}

// A private file (mode 0600: a recording or a frame may hold what the user typed) in $TMPDIR,
// else /tmp: stem-XXXXXX + suffix, the suffix (.jsonl, .json) so that editors colour it.
std::string privateTempFile(const std::string& stem, const std::string& suffix) {
    const char* dir = std::getenv("TMPDIR");
    const std::string where = dir && *dir ? dir : "/tmp";
    std::string name = where + "/" + stem + "-XXXXXX" + suffix;
    const int fd = ::mkstemps(name.data(), static_cast<int>(suffix.size()));
    if (fd < 0) {
        throw std::runtime_error("cannot create a file in '" + where + "': " + std::strerror(errno) + " (set TMPDIR)");
    }
    ::close(fd);
    return name;
}

}  // namespace rtmtap::cli
