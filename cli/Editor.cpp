#include "Editor.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

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
// default actions.
// posix_spawn rather than Poco::Process: POCO cannot reset the signals in the child.
std::string runEditor(const std::string& editor, const std::string& path) {
    const std::string script = editor + " \"$@\"";
    std::vector<char*> argv = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>(script.c_str()),
                               const_cast<char*>(editor.c_str()), const_cast<char*>(path.c_str()), nullptr};
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGQUIT);
    sigaddset(&defaults, SIGPIPE);  // the editor dies of a broken pipe as usual, though rtmtap ignores it
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    struct sigaction ignore {}, oldInt {}, oldQuit {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &oldInt);
    sigaction(SIGQUIT, &ignore, &oldQuit);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, "/bin/sh", nullptr, &attr, argv.data(), environ);
    int status = 0;
    while (rc == 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGQUIT, &oldQuit, nullptr);
    posix_spawnattr_destroy(&attr);
    const std::string named = "'" + editor + "'";
    if (rc != 0) {
        return named + " could not be started: /bin/sh: " + std::strerror(rc);
    }
    if (WIFSIGNALED(status)) {
        return named + " was killed by signal " + std::to_string(WTERMSIG(status));
    }
    const int code = WEXITSTATUS(status);
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
