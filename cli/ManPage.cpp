#include "ManPage.h"

#include "CommandHelp.h"

#include <cstdio>
#include <sstream>
#include <vector>

namespace rtmtap::cli {
namespace {

// The length of the UTF-8 sequence led by byte c (1 for ASCII or a stray byte).
size_t sequenceLength(unsigned char c) {
    if (c >= 0xF0 && c < 0xF8) {
        return 4;
    }
    if (c >= 0xE0) {
        return c < 0xF0 ? 3 : 1;
    }
    return c >= 0xC0 ? 2 : 1;
}

std::string unicodeEscape(const std::string& text, size_t at, size_t length) {
    const unsigned char lead = static_cast<unsigned char>(text[at]);
    unsigned long code = lead & (0xFF >> (length + 1));
    for (size_t i = 1; i < length; ++i) {
        code = (code << 6) | (static_cast<unsigned char>(text[at + i]) & 0x3F);
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "\\[u%04lX]", code);
    return buffer;
}

// A macro argument in double quotes: a '"' inside is \(dq.
std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : ManPage::escape(text)) {
        out += c == '"' ? std::string("\\(dq") : std::string(1, c);
    }
    return out + "\"";
}

std::string bold(const std::string& text) {
    return "\\fB" + ManPage::escape(text) + "\\fR";
}

std::string italic(const std::string& text) {
    return "\\fI" + ManPage::escape(text) + "\\fR";
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        result.push_back(line);
    }
    return result;
}

// Help text wrapped for a terminal: plain lines are filled by roff; indented lines (tables, lists)
// keep their layout (and indent) in a no-fill block; an empty line starts a paragraph.
void writeProse(const std::string& text, std::ostream& out) {
    bool verbatim = false;
    for (const std::string& line : lines(text)) {
        const bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
        if (indented != verbatim) {
            out << (indented ? ".nf\n" : ".fi\n");
            verbatim = indented;
        }
        if (line.find_first_not_of(" \t") == std::string::npos) {
            out << (verbatim ? "\n" : ".PP\n");
            continue;
        }
        out << ManPage::escape(line) << "\n";
    }
    if (verbatim) {
        out << ".fi\n";
    }
}

void writeOption(const CLI::Option& option, std::ostream& out) {
    std::string tag;
    if (option.get_positional()) {
        tag = italic(option.get_name(true));
    } else {
        for (const std::string& name : CommandHelp::names(option)) {
            tag += (tag.empty() ? "" : ", ") + bold(name);
        }
        if (CommandHelp::takesValue(option)) {
            tag += " " + italic(CommandHelp::valueHint(option));
        }
    }
    std::string text = option.get_description();
    if (option.get_required()) {
        text += " (required)";
    }
    if (!option.get_default_str().empty()) {
        text += " (default: " + option.get_default_str() + ")";
    }
    out << ".TP\n" << tag << "\n" << ManPage::escape(text) << "\n";
}

void writeExamples(const std::vector<Example>& examples, std::ostream& out) {
    if (examples.empty()) {
        return;
    }
    // .PD 0: one example a line (with its comment under it), no blank line between them.
    out << ".PP\nExamples:\n.RS 2\n.PD 0\n";
    for (const Example& example : examples) {
        out << ".TP\n" << bold(example.command) << "\n";
        if (!example.comment.empty()) {
            out << ManPage::escape(example.comment) << "\n";
        }
    }
    out << ".PD\n.RE\n";
}

std::string usage(const CLI::App& app) {
    std::string text = bold(CommandHelp::commandPath(app));
    if (!CommandHelp::visibleSubcommands(app).empty()) {
        text += " " + italic("COMMAND");
    }
    text += " [" + italic("OPTIONS") + "]";
    for (const CLI::Option* option : CommandHelp::visibleOptions(app)) {
        if (option->get_positional()) {
            const std::string name = italic(option->get_name(true)) + (option->get_items_expected_max() > 1 ? "..." : "");
            text += " " + (option->get_required() ? name : "[" + name + "]");
        }
    }
    return text;
}

void writeCommand(const CLI::App& app, std::ostream& out) {
    out << ".SS " << quoted(CommandHelp::commandPath(app)) << "\n";
    out << usage(app) << "\n.PP\n" << ManPage::escape(app.get_description()) << "\n";
    const FooterParts footer = CommandHelp::splitFooter(app.get_footer());
    if (!footer.prose.empty()) {
        out << ".PP\n";
        writeProse(footer.prose, out);
    }
    for (const CLI::Option* option : CommandHelp::visibleOptions(app)) {
        if (option != app.get_help_ptr()) {  // every command has it: said once, under DESCRIPTION
            writeOption(*option, out);
        }
    }
    writeExamples(footer.examples, out);
    for (const CLI::App* sub : CommandHelp::visibleSubcommands(app)) {
        writeCommand(*sub, out);
    }
}

// What no --help says: the environment, the files, the exit status (the same for every command).
const char* const kFixedSections = R"(.SH ENVIRONMENT
.TP
.B RTMTAP_DB
The database of the commands that take \fB\-\-db\fR, when it is not given (else \fI./rtmtap.db\fR).
.TP
.B RTMTAP_PASSWORD
The password of \fBclient\fR and \fBreplay \-\-to\fR when \fB\-\-password\fR is not given.
.TP
.B SSLKEYLOGFILE
When set, every TLS connection rtmtap makes or serves (both sides of \fBproxy \-\-mode regular\fR)
appends its secrets to this file in the NSS key log format, for Wireshark.
.TP
.B XDG_DATA_HOME
rtmtap's CA lives in \fI$XDG_DATA_HOME/rtmtap\fR (else \fI~/.local/share/rtmtap\fR) unless
\fB\-\-ca\-dir\fR says otherwise.
.TP
.BR VISUAL ", " EDITOR
The editor of \fBedit\fR and \fBintercept\fR (run by \fI/bin/sh\fR; else \fBvi\fR).
.TP
.B TMPDIR
Where \fBedit\fR and \fBintercept\fR write the file the editor opens (else \fI/tmp\fR).
.TP
.B NO_COLOR
When set and not empty, \fB\-\-color=auto\fR (the default) prints no colour; so does \fBTERM=dumb\fR.
.TP
.B COLUMNS
The width \fBshow\fR cuts payloads to when standard output is not a terminal.
.TP
.BR LC_ALL ", " LC_CTYPE ", " LANG
A UTF\-8 locale lets \fBstats\fR draw its charts with block characters.
.SH FILES
.TP
.I ./rtmtap.db
The default database (SQLite, WAL mode, so \fI\-wal\fR and \fI\-shm\fR files sit beside it).
.TP
.I DB.ctl
The control socket of the proxy recording into \fIDB\fR, used by \fBsessions \-\-live\fR,
\fBinject\fR and \fBintercept\fR.
.TP
.I ./rtmtap\-demo.db
The database \fBdemo\fR records into.
.TP
.I ~/.local/share/rtmtap/rtmtap\-ca.pem, rtmtap\-ca\-key.pem
rtmtap's CA (\fBca\fR, \fBproxy \-\-mode regular\fR): the certificate clients trust, and its key (mode 0600).
.TP
.I /usr/share/doc/rtmtap/
README.md (a guided tour) and schema.md (the database's tables and views).
.SH EXIT STATUS
.TP
.B 0
Success, or something matched.
.TP
.B 1
Nothing matched, or a check found differences (\fBquery\fR, \fBshow\fR, \fBsessions\fR, \fBlint\fR,
\fBreplay \-\-expect\fR, \fBinject\fR).
.TP
.B 2
An error: a usage error, an unreadable file or database, an unreachable server; one line on
standard error says what was wrong.
.SH SEE ALSO
.BR sqlite3 (1),
.BR jq (1)
)";

}  // namespace

std::string ManPage::escape(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const size_t length = sequenceLength(c);
        if (length > 1 && i + length <= text.size()) {
            out += unicodeEscape(text, i, length);
            i += length;
            continue;
        }
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else if ((c == '.' || c == '\'') && (out.empty() || out.back() == '\n')) {
            out += "\\&";
            out += static_cast<char>(c);
        } else {
            out += static_cast<char>(c);
        }
        ++i;
    }
    return out;
}

void ManPage::write(const CLI::App& root, const std::string& version, const std::string& date, std::ostream& out) {
    out << ".\\\" rtmtap(1), written by `rtmtap help-man` from the command line's own definitions:\n"
        << ".\\\" change the options and footers in cli/, not this file.\n";
    out << ".TH RTMTAP 1 " << quoted(date) << " " << quoted("rtmtap " + version) << " \"User Commands\"\n";
    // Option names and paths must not be split at a hyphen, nor spread out by justification.
    out << ".nh\n.ad l\n";
    std::string summary = root.get_description();
    const auto colon = summary.find(": ");
    if (colon != std::string::npos) {
        summary = summary.substr(colon + 2);  // "rtmtap: record-and-replay ..." names itself
    }
    out << ".SH NAME\nrtmtap \\- " << escape(summary) << "\n";
    out << ".SH SYNOPSIS\n" << usage(root) << "\n.br\n" << bold("rtmtap") << " " << italic("COMMAND") << " "
        << bold("--help") << "\n.br\n" << bold("rtmtap") << " " << bold("--version") << "\n";
    out << ".SH DESCRIPTION\n" << escape(root.get_description()) << "\n.PP\n"
        << "Each command below takes " << bold("-h") << ", " << bold("--help") << ": " << bold("rtmtap") << " "
        << italic("COMMAND") << " " << bold("--help") << " prints its options and examples, from the same "
        << "definitions as this page.\n";
    out << ".SH OPTIONS\n";
    for (const CLI::Option* option : CommandHelp::visibleOptions(root)) {
        writeOption(*option, out);
    }
    out << ".SH COMMANDS\n";
    for (const CLI::App* sub : CommandHelp::visibleSubcommands(root)) {
        writeCommand(*sub, out);
    }
    out << kFixedSections;
}

}  // namespace rtmtap::cli
