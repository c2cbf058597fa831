// rtmtap(1) as `rtmtap help-man` writes it: roff that groff reads without a warning, with every
// visible command, its options and examples, and the fixed sections.
#include "cli/Commands.h"
#include "cli/ManPage.h"
#include "tests/support/Shell.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace rtmtap;

namespace {

std::string manPage() {
    CLI::App app{"rtmtap: record-and-replay proxy and debugger for AirSend RTM WebSocket traffic"};
    int exitCode = 0;
    cli::registerCommands(app, exitCode);
    std::ostringstream out;
    cli::ManPage::write(app, "0.1.0", "2026-11-30", out);
    return out.str();
}

}  // namespace

TEST(ManPage, EscapesWhatRoffReadsSpecially) {
    EXPECT_EQ(cli::ManPage::escape(".TH not a request"), "\\&.TH not a request");
    EXPECT_EQ(cli::ManPage::escape("'quote first"), "\\&'quote first");
    EXPECT_EQ(cli::ManPage::escape("a.b 'c'"), "a.b 'c'");  // only at the start of a line
    EXPECT_EQ(cli::ManPage::escape("C:\\path"), "C:\\epath");
    EXPECT_EQ(cli::ManPage::escape("--db x-y"), "\\-\\-db x\\-y");
    EXPECT_EQ(cli::ManPage::escape("12 \xC2\xB5s \xE2\x80\xA6"), "12 \\[u00B5]s \\[u2026]");
}

TEST(ManPage, HoldsEverySectionEveryVisibleCommandAndItsExamples) {
    const std::string page = manPage();
    for (const char* section : {".TH RTMTAP 1 \"2026\\-11\\-30\" \"rtmtap 0.1.0\"", ".SH NAME\nrtmtap \\- ",
                                ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH OPTIONS", ".SH COMMANDS", ".SH ENVIRONMENT",
                                ".B RTMTAP_DB", ".B NO_COLOR", ".SH FILES", ".SH EXIT STATUS", ".SH SEE ALSO"}) {
        EXPECT_NE(page.find(section), std::string::npos) << section;
    }
    for (const char* command : {"proxy", "sessions", "show", "query", "demo", "simulate", "client", "export", "import",
                                "edit", "tail", "ship", "stats", "replay", "inject", "intercept", "lint", "completions"}) {
        EXPECT_NE(page.find(".SS \"rtmtap " + std::string(command) + "\""), std::string::npos) << command;
    }
    EXPECT_EQ(page.find(".SS \"rtmtap help\\-man\""), std::string::npos) << "the hidden command is listed";
    // An option with its value and default, and an example with its comment.
    EXPECT_NE(page.find("\\fB\\-\\-fail\\-on\\fR \\fIinfo|warn|error\\fR\nExit 1 when a finding of this severity or "
                        "above exists (default: error)"),
              std::string::npos);
    EXPECT_NE(page.find("\\fBrtmtap lint 12 \\-\\-fail\\-on warn\\fR\none session; exit 1 on any warning"),
              std::string::npos);
}

TEST(ManPage, EveryControlLineIsAKnownManMacro) {
    const std::set<std::string> macros = {".TH", ".SH", ".SS", ".PP", ".TP", ".RS", ".RE", ".nf", ".fi",
                                          ".br", ".B",  ".BR", ".I",  ".nh", ".ad", ".PD", ".\\\""};
    std::istringstream in(manPage());
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && (line[0] == '.' || line[0] == '\'')) {
            EXPECT_EQ(macros.count(line.substr(0, line.find(' '))), 1u) << line;
        }
    }
}

TEST(ManPage, GroffFormatsItWithoutAWarning) {
    if (!test::haveTool("groff")) {
        GTEST_SKIP() << "groff is not installed (Debian: groff-base); the page was not rendered";
    }
    test::TempDir dir;
    std::ofstream(dir.file("rtmtap.1")) << manPage();
    const test::RunResult r =
        test::runShell("groff -man -Tutf8 -ww -z " + test::shellQuote(dir.file("rtmtap.1")) + " 2>&1");
    EXPECT_EQ(r.code(), 0);
    EXPECT_EQ(r.out, "") << "groff warned";
}
