// `rtmtap import FILE [--format jsonl|har] [--label TEXT] [--db F]`: sessions from a file into the
// database as new sessions, all or nothing (one transaction); prints the new ids, one a line.
#include "Commands.h"
#include "view/ProgressBar.h"
#include "store/HarFormat.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "store/SessionImporter.h"

#include <fstream>
#include <functional>
#include <streambuf>
#include <iostream>
#include <memory>
#include <sys/stat.h>

namespace rtmtap::cli {
namespace {

struct ImportOptions {
    std::string db;
    std::string file;
    std::string format;  // "" guesses from the extension
    std::string label;
};

// About 10,000 frames of JSONL.
constexpr uint64_t kProgressBytes = 4u << 20;

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string formatOf(const ImportOptions& o) {
    if (!o.format.empty()) {
        return o.format;
    }
    if (endsWith(o.file, ".har")) {
        return "har";
    }
    return endsWith(o.file, ".jsonl") ? "jsonl" : "";
}

// Counts the bytes read through it, for a progress bar over a reader that takes a whole stream
// (POCO's JSON parser reads a HAR file in one go).
class CountingBuffer : public std::streambuf {
public:
    CountingBuffer(std::streambuf& source, std::function<void(uint64_t)> progress)
        : source_(source), progress_(std::move(progress)) {}

protected:
    int_type underflow() override {
        std::streamsize n = source_.sgetn(buffer_, sizeof buffer_);
        if (n <= 0) {
            return traits_type::eof();
        }
        read_ += static_cast<uint64_t>(n);
        progress_(read_);
        setg(buffer_, buffer_, buffer_ + n);
        return traits_type::to_int_type(buffer_[0]);
    }

private:
    std::streambuf& source_;
    std::function<void(uint64_t)> progress_;
    char buffer_[1 << 16];
    uint64_t read_ = 0;
};

uint64_t fileSize(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

int runImport(const ImportOptions& o) {
    const std::string format = formatOf(o);
    if (format.empty()) {
        std::cerr << "rtmtap: cannot tell the format of '" << o.file << "' (name it .jsonl or .har, or pass --format)\n";
        return 2;
    }
    std::ifstream in(o.file, std::ios::binary);
    if (!in) {
        std::cerr << "rtmtap: cannot open '" << o.file << "' (check the path and permissions)\n";
        return 2;
    }
    std::vector<int64_t> ids;
    try {
        SessionImporter importer(o.db);
        if (format == "har") {
            view::ProgressBar progress("import", fileSize(o.file), kProgressBytes);
            CountingBuffer counted(*in.rdbuf(), [&](uint64_t bytes) { progress.update(bytes); });
            std::istream countedIn(&counted);
            HarFormat::read(countedIn, importer, o.label);
        } else {
            view::ProgressBar progress("import", fileSize(o.file), kProgressBytes);
            JsonlFormat::read(in, importer, o.label, [&](uint64_t bytes) { progress.update(bytes); });
        }
        ids = importer.commit();
    } catch (const ImportError& e) {
        std::cerr << "rtmtap: '" << o.file << "' " << e.what() << "; nothing imported\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "rtmtap: " << e.what() << "; nothing imported\n";
        return 2;
    }
    if (ids.empty()) {
        std::cerr << "rtmtap: no WebSocket session in '" << o.file << "'; nothing imported\n";
        return 1;
    }
    for (int64_t id : ids) {
        std::cout << id << '\n';
    }
    return 0;
}

}  // namespace

void setupImport(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<ImportOptions>();
    o->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("import", "Add the sessions of a JSONL or HAR file as new sessions");
    sub->footer(
        "Prints the new session ids, one a line. All or nothing: a file with an error imports nothing "
        "(exit 2, one line naming the line or HAR entry).\n"
        "HAR: every entry with \"_resourceType\":\"websocket\" (or status 101 with _webSocketMessages) becomes "
        "a session, other entries are skipped; its \"error\" messages (opcode -1) are not frames: their data, "
        "joined with \"; \", becomes the session's error line. Exit 1 when the file holds no WebSocket session.\n"
        "Examples:\n"
        "  rtmtap import session3.jsonl                   a file rtmtap export wrote\n"
        "  rtmtap import capture.har --label 'bug 1234'   a browser's HAR export, labelled\n"
        "  rtmtap import session3.jsonl --db other.db     into another database");
    sub->add_option("file", o->file, "A .jsonl (rtmtap export) or .har file")->required();
    sub->add_option("--format", o->format, "jsonl or har (default: from the extension)")
        ->check(CLI::IsMember({"jsonl", "har"}));
    sub->add_option("--label", o->label, "Label every imported session (stored in sessions.label)");
    sub->add_option("--db", o->db, "SQLite database to write ($RTMTAP_DB, else ./rtmtap.db)")->capture_default_str();
    sub->callback([o, &exitCode] { exitCode = runImport(*o); });
}

}  // namespace rtmtap::cli
