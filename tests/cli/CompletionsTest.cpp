// The completion scripts of `rtmtap completions`: bash completes subcommands, options, fixed
// values and file names when a function-driven completion is simulated (COMP_WORDS/COMP_CWORD);
// zsh's script at least parses (zsh -n) where zsh is installed.
#include "cli/Commands.h"
#include "cli/Completions.h"
#include "tests/support/Shell.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace rtmtap;

namespace {

class BashCompletion : public ::testing::Test {
protected:
    void SetUp() override {
        CLI::App app{"rtmtap"};
        app.set_version_flag("--version", "rtmtap 0.0.0");  // as main.cpp does
        int exitCode = 0;
        cli::registerCommands(app, exitCode);
        std::ofstream out(dir_.file("rtmtap.bash"));
        cli::Completions::writeBash(app, out);
        std::ofstream(dir_.file("recording.db")) << "";
        std::ofstream(dir_.file("rules.jsonl")) << "";
    }

    // What _rtmtap offers for words (a bash array's text) with the cursor on word cword, run in
    // the temp dir so file names are its files.
    std::string complete(const std::string& words, int cword) {
        const test::RunResult r = test::runShell(
            "cd " + test::shellQuote(dir_.path()) + " && exec bash --norc -c " +
            test::shellQuote("source ./rtmtap.bash; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                             std::to_string(cword) + "; _rtmtap; echo \"${COMPREPLY[*]}\""));
        EXPECT_EQ(r.code(), 0) << r.err;
        EXPECT_EQ(r.err, "");
        return r.out.substr(0, r.out.find('\n'));
    }

    test::TempDir dir_;
};

}  // namespace

TEST_F(BashCompletion, CompletesSubcommands) {
    EXPECT_EQ(complete("rtmtap qu", 1), "query");
    EXPECT_EQ(complete("rtmtap s", 1), "sessions show simulate ship stats");
    EXPECT_EQ(complete("rtmtap help", 1), "") << "help-man is hidden";
}

TEST_F(BashCompletion, CompletesTheOptionsOfTheSubcommandBeforeTheCursor) {
    EXPECT_EQ(complete("rtmtap query --ev", 2), "--event");
    EXPECT_EQ(complete("rtmtap lint --fail", 2), "--fail-on");
    EXPECT_EQ(complete("rtmtap --v", 1), "--version");
    EXPECT_EQ(complete("rtmtap show 3 --db x.db --pre", 5), "--pretty");
}

TEST_F(BashCompletion, CompletesFixedValuesAndFileNames) {
    EXPECT_EQ(complete("rtmtap export 3 --format ''", 4), "jsonl har");
    EXPECT_EQ(complete("rtmtap lint --fail-on w", 3), "warn");
    EXPECT_EQ(complete("rtmtap query --db rec", 3), "recording.db");
    EXPECT_EQ(complete("rtmtap query --db = rec", 4), "recording.db") << "--db=FILE";
    EXPECT_EQ(complete("rtmtap proxy --rules ru", 3), "rules.jsonl");
    EXPECT_EQ(complete("rtmtap import rul", 2), "rules.jsonl") << "a file argument";
    EXPECT_EQ(complete("rtmtap lint rul", 2), "rules.jsonl") << "SESSION...|FILE";
    EXPECT_EQ(complete("rtmtap query --limit ''", 3), "") << "a number: nothing to offer";
    EXPECT_EQ(complete("rtmtap proxy --max-sessions ''", 3), "") << "its help mentions an open-file limit";
}

TEST(ZshCompletion, ParsesInZsh) {
    CLI::App app{"rtmtap"};
    int exitCode = 0;
    cli::registerCommands(app, exitCode);
    std::ostringstream script;
    cli::Completions::writeZsh(app, script);
    EXPECT_EQ(script.str().rfind("#compdef rtmtap\n", 0), 0u);
    EXPECT_NE(script.str().find("'--db=[SQLite database, or postgresql\\:// URL, to read"), std::string::npos);
    EXPECT_NE(script.str().find(":_files'"), std::string::npos);
    EXPECT_NE(script.str().find("--format=[jsonl or har"), std::string::npos);
    if (!test::haveTool("zsh")) {
        GTEST_SKIP() << "zsh is not installed: the zsh script was not parsed (zsh -n)";
    }
    test::TempDir dir;
    std::ofstream(dir.file("_rtmtap")) << script.str();
    const test::RunResult r = test::runShell("zsh -n " + test::shellQuote(dir.file("_rtmtap")));
    EXPECT_EQ(r.code(), 0) << r.err;
}
