#include "EditLoop.h"

#include "store/ImportError.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace rtmtap::cli {
namespace {

bool startsWith(const std::string& s, const std::string& head) {
    return s.compare(0, head.size(), head) == 0;
}

// The lines the JSONL reader reads: '#' lines are comments to it.
std::string withoutComments(const std::string& text) {
    std::istringstream in(text);
    std::string line, kept;
    while (std::getline(in, line)) {
        if (!startsWith(line, "#")) {
            kept += line + '\n';
        }
    }
    return kept;
}

bool blank(const std::string& text) {
    return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

const std::string kPrefix = EditLoop::kCommentPrefix;
constexpr uint64_t kHeaderLines = 2;

// The text without the error lines a previous round put on top; their count in dropped.
std::string withoutOurHeader(const std::string& text, uint64_t& dropped) {
    size_t at = 0;
    dropped = 0;
    while (at < text.size() && text.compare(at, kPrefix.size(), kPrefix) == 0) {
        size_t end = text.find('\n', at);
        at = end == std::string::npos ? text.size() : end + 1;
        ++dropped;
    }
    return text.substr(at);
}

// The error as the reopened file shows it: its line number counted in that file.
std::string errorInReopened(const ImportError& error, uint64_t dropped) {
    if (error.line() <= dropped) {
        return error.what();
    }
    return "line " + std::to_string(error.line() - dropped + kHeaderLines) + ": " + error.withoutLine();
}

}  // namespace

EditLoop::EditLoop(std::string path, Editor editor, Accept accept, EditLoopWords words)
    : path_(std::move(path)), editor_(std::move(editor)), accept_(std::move(accept)), words_(std::move(words)) {}

EditOutcome EditLoop::run(const std::string& original) {
    const std::string unchanged = withoutComments(original);
    std::string written = original;
    std::string lastError;
    writeFile(written);
    for (;;) {
        const std::string failure = editor_(path_);
        if (!failure.empty()) {
            return {EditOutcome::Kind::Aborted, "the editor " + failure + "; " + words_.nothingDone};
        }
        const std::string text = readFile();
        if (blank(withoutComments(text))) {
            return {EditOutcome::Kind::Aborted, "the file was emptied: edit aborted, " + words_.nothingDone};
        }
        if (withoutComments(text) == unchanged) {
            return {EditOutcome::Kind::Unchanged, ""};
        }
        // The same broken text saved again: without this a scripted editor would loop for ever.
        if (!lastError.empty() && text == written) {
            return {EditOutcome::Kind::Aborted, lastError + " (saved again unchanged); " + words_.nothingDone};
        }
        try {
            accept_(text);
            return {EditOutcome::Kind::Accepted, ""};
        } catch (const ImportError& e) {
            uint64_t dropped = 0;
            const std::string body = withoutOurHeader(text, dropped);
            lastError = errorInReopened(e, dropped);
            // As git's commit template, the file says how to give up.
            written = kPrefix + lastError + "\n" + kPrefix + words_.howTo + "\n" + body;
            writeFile(written);
        } catch (const std::exception& e) {
            // Reopening the editor cannot help, and the user's work is only in the file.
            return {EditOutcome::Kind::Failed, std::string(e.what()) + "; nothing imported; your edits are kept in '" +
                                                   path_ + "' (rtmtap import reads it once that is fixed)"};
        }
    }
}

void EditLoop::writeFile(const std::string& text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write '" + path_ + "' (disk full?)");
    }
}

std::string EditLoop::readFile() const {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read '" + path_ + "' back after the editor (did it remove the file?)");
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace rtmtap::cli
