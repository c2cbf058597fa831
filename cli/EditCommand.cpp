// `rtmtap edit ID [--db F]`: the session as JSONL (as rtmtap export writes it) in $VISUAL, else
// $EDITOR, else vi; the saved file is imported (as rtmtap import reads it) as a new session whose
// sessions.derived_from is ID, and its id printed. The loop itself is cli/EditLoop.
#include "Commands.h"
#include "EditLoop.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "store/Reader.h"
#include "store/SessionImporter.h"
#include "store/SessionSink.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace rtmtap::cli {
namespace {

struct EditOptions {
    std::string db;
    int64_t session = 0;
};

// Passes a file's sessions on to the importer, each marked as derived from the edited one. An
// edited replay is no longer the replay rtmtap made: its replay_of stays with the original.
class DerivedSink : public SessionSink {
public:
    DerivedSink(SessionImporter& importer, int64_t from) : importer_(importer), from_(from) {}

    int64_t beginSession(const ImportedSession& session) override {
        ImportedSession derived = session;
        derived.info.derived_from = from_;
        derived.info.replay_of = 0;
        return importer_.beginSession(derived);
    }
    void addFrame(Message&& frame) override { importer_.addFrame(std::move(frame)); }
    void addApiCall(RecordedApiCall&& call) override { importer_.addApiCall(std::move(call)); }

private:
    SessionImporter& importer_;
    int64_t from_;
};

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

// A private file for the export (mode 0600: a recording may hold what the user typed), named
// .jsonl so that editors colour it.
std::string tempFile(int64_t session) {
    const char* dir = std::getenv("TMPDIR");
    std::string name = std::string(dir && *dir ? dir : "/tmp") + "/rtmtap-edit-" + std::to_string(session) + "-XXXXXX.jsonl";
    const int fd = ::mkstemps(name.data(), 6);
    if (fd < 0) {
        throw std::runtime_error("cannot create a file in '" + std::string(dir && *dir ? dir : "/tmp") + "': " +
                                 std::strerror(errno) + " (set TMPDIR)");
    }
    ::close(fd);
    return name;
}

// Removes the temporary file however the command ends, unless it holds edits that did not
// make it into the database.
struct Removed {
    std::string path;
    bool keep = false;
    ~Removed() {
        if (!keep) {
            std::remove(path.c_str());
        }
    }
};

// The session as rtmtap export writes it; nullopt when there is no such session.
std::optional<std::string> exported(const EditOptions& o) {
    Reader reader(o.db);
    std::optional<SessionRow> row = reader.session(o.session);
    if (!row) {
        return std::nullopt;
    }
    std::ostringstream out;
    JsonlFormat::write(out, *row, reader, nullptr);
    return out.str();
}

int runEdit(const EditOptions& o) {
    try {
        std::optional<std::string> original = exported(o);
        if (!original) {
            std::cerr << "rtmtap: no session " << o.session << " in '" << o.db << "' (rtmtap sessions lists them)\n";
            return 2;
        }
        Removed file{tempFile(o.session)};
        const std::string editor = editorCommand();
        std::vector<int64_t> ids;
        EditLoop loop(
            file.path, [&](const std::string& path) { return runEditor(editor, path); },
            [&](const std::string& text) {
                std::istringstream in(text);
                SessionImporter importer(o.db);
                DerivedSink sink(importer, o.session);
                JsonlFormat::read(in, sink, "", nullptr);
                ids = importer.commit();
            });
        const EditOutcome outcome = loop.run(*original);
        if (outcome.kind == EditOutcome::Kind::Failed) {
            file.keep = true;
            std::cerr << "rtmtap: " << outcome.message << '\n';
            return 2;
        }
        if (outcome.kind == EditOutcome::Kind::Aborted) {
            std::cerr << "rtmtap: " << outcome.message << '\n';
            return 2;
        }
        if (outcome.kind == EditOutcome::Kind::Unchanged) {
            std::cerr << "rtmtap: session " << o.session << " unchanged; no session created\n";
            return 0;
        }
        for (int64_t id : ids) {
            std::cout << id << '\n';
        }
    } catch (const std::exception& e) {
        std::cerr << "rtmtap: " << e.what() << "; nothing imported\n";
        return 2;
    }
    return 0;
}

}  // namespace

void setupEdit(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<EditOptions>();
    o->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("edit", "Edit a session's JSONL in $EDITOR and import it as a new session");
    sub->footer(
        "Opens the session as rtmtap export writes it (JSONL) in $VISUAL, else $EDITOR, else vi (run by /bin/sh, "
        "so EDITOR=\"code --wait\" works). On save the file is imported as a new session whose derived_from is ID, "
        "and its id printed: rtmtap replay NEW serves it at once. An unchanged file creates nothing (exit 0). A file "
        "that does not read is reopened with the error on top in a '# rtmtap:' line ('#' lines are skipped). An "
        "emptied file or an editor that exits non-zero aborts (exit 2).");
    sub->add_option("id", o->session, "Session id (see rtmtap sessions)")->required();
    sub->add_option("--db", o->db, "SQLite database ($RTMTAP_DB, else ./rtmtap.db)")->capture_default_str();
    sub->callback([o, &exitCode] { exitCode = runEdit(*o); });
}

}  // namespace rtmtap::cli
