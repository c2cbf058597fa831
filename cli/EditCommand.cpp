// `rtmtap edit ID [--db F]`: the session as JSONL (as rtmtap export writes it) in $VISUAL, else
// $EDITOR, else vi; the saved file is imported (as rtmtap import reads it) as a new session whose
// sessions.derived_from is ID, and its id printed. The loop itself is cli/EditLoop.
#include "Commands.h"
#include "EditLoop.h"
#include "Editor.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/SessionImporter.h"
#include "store/SessionSink.h"

#include <iostream>
#include <cstdio>
#include <memory>
#include <optional>
#include <sstream>

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
    const std::unique_ptr<Reader> reader = openReader(o.db);
    std::optional<SessionRow> row = reader->session(o.session);
    if (!row) {
        return std::nullopt;
    }
    std::ostringstream out;
    JsonlFormat::write(out, *row, *reader, nullptr);
    return out.str();
}

int runEdit(const EditOptions& o) {
    try {
        std::optional<std::string> original = exported(o);
        if (!original) {
            std::cerr << "rtmtap: no session " << o.session << " in '" << o.db << "' (rtmtap sessions lists them)\n";
            return 2;
        }
        Removed file{privateTempFile("rtmtap-edit-" + std::to_string(o.session), ".jsonl")};
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
        "emptied file or an editor that exits non-zero aborts (exit 2).\n"
        "Examples:\n"
        "  rtmtap edit 3                 opens session 3 in $EDITOR; prints the new session's id\n"
        "  rtmtap edit 3 --db other.db   a session of another database");
    sub->add_option("id", o->session, "Session id (see rtmtap sessions)")->required();
    sub->add_option("--db", o->db, "SQLite database ($RTMTAP_DB, else ./rtmtap.db)")->capture_default_str();
    sub->callback([o, &exitCode] { exitCode = runEdit(*o); });
}

}  // namespace rtmtap::cli
