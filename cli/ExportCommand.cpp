// `rtmtap export ID [--format jsonl|har] [-o FILE] [--db F]`: one session as a file that travels
// (store/JsonlFormat.h, store/HarFormat.h), on stdout unless -o.
#include "Commands.h"
#include "view/ProgressBar.h"
#include "store/HarFormat.h"
#include "store/JsonlFormat.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

namespace rtmtap::cli {
namespace {

struct ExportOptions {
    std::string db;
    int64_t session = 0;
    std::string format;  // "" guesses from the output's extension, else jsonl
    std::string output;  // "" or "-": stdout
};

constexpr uint64_t kProgressFrames = 10'000;

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

int runExport(const ExportOptions& o) {
    const bool toStdout = o.output.empty() || o.output == "-";
    const std::string format = !o.format.empty() ? o.format : endsWith(o.output, ".har") ? "har" : "jsonl";
    try {
        const std::unique_ptr<Reader> reader = openReader(o.db);
        std::optional<SessionRow> row = reader->session(o.session);
        if (!row) {
            std::cerr << "rtmtap: no session " << o.session << " in '" << o.db << "' (rtmtap sessions lists them)\n";
            return 2;
        }
        std::ofstream file;
        if (!toStdout) {
            file.open(o.output, std::ios::binary | std::ios::trunc);
            if (!file) {
                std::cerr << "rtmtap: cannot write '" << o.output << "' (check the directory and permissions)\n";
                return 2;
            }
        }
        std::ostream& out = toStdout ? std::cout : file;
        view::ProgressBar progress("export", static_cast<uint64_t>(row->frames), kProgressFrames);
        if (format == "har") {
            HarFormat::write(out, *row, *reader, [&](int64_t n) { progress.update(static_cast<uint64_t>(n)); });
        } else {
            JsonlFormat::write(out, *row, *reader, [&](uint64_t n) { progress.update(n); });
        }
        out.flush();
        if (!out) {
            std::cerr << "rtmtap: writing '" << (toStdout ? "stdout" : o.output) << "' failed (disk full?)\n";
            if (!toStdout) {
                std::remove(o.output.c_str());
            }
            return 2;
        }
    } catch (const std::exception& e) {
        std::cerr << "rtmtap: " << e.what() << '\n';
        return 2;
    }
    return 0;
}

}  // namespace

void setupExport(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<ExportOptions>();
    o->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("export", "Write one session as rtmtap JSONL or as a HAR file");
    sub->footer(
        "JSONL: a session line, the session's login API calls (one a line), then one frame a line; JSON text "
        "payloads and API bodies appear as JSON, other text as a "
        "string, anything else as {\"base64\": ...}; export, import and export again give the same file.\n"
        "HAR: HAR 1.2 with Chrome's _webSocketMessages; ping, pong and close frames are left out, the "
        "session's error becomes a final \"error\" message.\n"
        "Examples:\n"
        "  rtmtap export 3 -o session3.jsonl            rtmtap JSONL, for import, edit or replay\n"
        "  rtmtap export 3 -o session3.har              HAR 1.2, for a browser's developer tools\n"
        "  rtmtap export 3 --format har --db other.db   to stdout, from another database");
    sub->add_option("id", o->session, "Session id (see rtmtap sessions)")->required();
    sub->add_option("--format", o->format, "jsonl or har (default: from the -o extension, else jsonl)")
        ->check(CLI::IsMember({"jsonl", "har"}));
    sub->add_option("-o,--output", o->output, "Write to FILE instead of stdout");
    addReadDbOption(sub, o->db);
    sub->callback([o, &exitCode] { exitCode = runExport(*o); });
}

}  // namespace rtmtap::cli
