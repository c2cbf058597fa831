// `rtmtap --version` names the project version and the commit the binary was built from, and
// cmake/BuildInfo.cmake (run at every build) follows the commit while rewriting its header only
// when the text changes.
#include "cli/Version.h"
#include "tests/support/Process.h"
#include "tests/support/Shell.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

using namespace rtmtap;

namespace {

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs cmake/BuildInfo.cmake for source into header; the commit it wrote.
std::string buildInfoCommit(const std::string& source, const std::string& header) {
    const test::RunResult r = test::runShell(test::shellQuote(RTMTAP_CMAKE_COMMAND) + " -DSOURCE_DIR=" +
                                             test::shellQuote(source) + " -DOUTPUT=" + test::shellQuote(header) +
                                             " -DVERSION=9.8.7 -P " +
                                             test::shellQuote(std::string(RTMTAP_SOURCE_DIR) + "/cmake/BuildInfo.cmake"));
    EXPECT_EQ(r.code(), 0) << r.err;
    std::smatch match;
    const std::string text = readFile(header);
    EXPECT_NE(text.find("#define RTMTAP_VERSION \"9.8.7\""), std::string::npos) << text;
    static const std::regex kCommit("#define RTMTAP_GIT_COMMIT \"([^\"]*)\"");
    return std::regex_search(text, match, kCommit) ? match[1].str() : "(none)";
}

struct timespec modified(const std::string& path) {
    struct stat st {};
    ::stat(path.c_str(), &st);
    return st.st_mtim;
}

std::string git(const std::string& repo, const std::string& args) {
    const test::RunResult r = test::runShell("git -C " + test::shellQuote(repo) +
                                             " -c user.name=t -c user.email=t@example.test " + args);
    EXPECT_EQ(r.code(), 0) << args << ": " << r.err;
    return r.out.substr(0, r.out.find('\n'));
}

}  // namespace

TEST(Version, PrintsTheProjectVersionTheCommitAndTheBuildDate) {
    const test::RunResult r = test::Process::capture({"--version"});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.out, cli::versionLine() + "\n");
    static const std::regex kLine(R"(rtmtap (\S+) \(git ([0-9a-f]{7,}(-dirty)?|unknown), built \d{4}-\d\d-\d\d\)\n)");
    std::smatch match;
    ASSERT_TRUE(std::regex_match(r.out, match, kLine)) << r.out;
    EXPECT_EQ(match[1].str(), RTMTAP_PROJECT_VERSION);
    // Built from a git checkout: the commit is its HEAD (a build is always run before the tests).
    const std::string source = RTMTAP_SOURCE_DIR;
    const test::RunResult head = test::runShell("test -e " + test::shellQuote(source + "/.git") + " && git -C " +
                                                test::shellQuote(source) + " rev-parse --short HEAD");
    if (head.code() == 0) {
        EXPECT_EQ(match[2].str().substr(0, match[2].str().find('-')), head.out.substr(0, head.out.find('\n')))
            << "the binary is older than HEAD: build (cmake --build) before running the tests";
    }
}

TEST(Version, BuildInfoFollowsTheCommitAndRewritesTheHeaderOnlyWhenItChanges) {
    if (!test::haveTool("git")) {
        GTEST_SKIP() << "git is not installed";
    }
    test::TempDir dir;
    const std::string repo = dir.file("repo"), header = dir.file("info.h");
    git(dir.path(), "init -q repo");
    std::ofstream(repo + "/a.txt") << "one\n";
    git(repo, "add a.txt");
    git(repo, "commit -q -m one");
    const std::string first = git(repo, "rev-parse --short HEAD");
    EXPECT_EQ(buildInfoCommit(repo, header), first);

    const struct timespec before = modified(header);
    EXPECT_EQ(buildInfoCommit(repo, header), first);
    const struct timespec after = modified(header);
    EXPECT_TRUE(before.tv_sec == after.tv_sec && before.tv_nsec == after.tv_nsec) << "rewritten unchanged";

    std::ofstream(repo + "/a.txt") << "two\n";
    EXPECT_EQ(buildInfoCommit(repo, header), first + "-dirty");
    std::ofstream(repo + "/untracked.txt") << "x\n";
    git(repo, "commit -q -am two");
    const std::string second = git(repo, "rev-parse --short HEAD");
    EXPECT_NE(second, first);
    EXPECT_EQ(buildInfoCommit(repo, header), second) << "untracked files do not make it dirty";
}

TEST(Version, BuildInfoSaysUnknownOutsideAGitCheckout) {
    test::TempDir dir;  // a source tarball unpacked: no .git
    EXPECT_EQ(buildInfoCommit(dir.path(), dir.file("info.h")), "unknown");
}
