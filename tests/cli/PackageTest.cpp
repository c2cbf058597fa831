// The Debian package of this build (cpack -G DEB on the build folder, into a temp folder): it holds
// the binary, the man page, both completions and the docs, depends on Debian's runtime packages,
// and what it installs runs on its own: --version, a 3 s demo from an empty folder, completion.
#include "cli/Version.h"
#include "tests/support/Shell.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <iostream>

using namespace rtmtap;

namespace {

class Package : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!test::haveTool("dpkg-deb")) {
            skip_ = "dpkg-deb is not installed (Debian: dpkg)";
            return;
        }
        dir_ = new test::TempDir;
        // The build's own CPack config, its package and staging folder in the temp folder.
        const test::RunResult r = test::runShell(
            test::shellQuote(RTMTAP_CPACK_COMMAND) + " -G DEB --config " +
                test::shellQuote(std::string(RTMTAP_BUILD_DIR) + "/CPackConfig.cmake") + " -B " +
                test::shellQuote(dir_->path()) + " >/dev/null && ls " + test::shellQuote(dir_->path()) + "/rtmtap_*.deb",
            180000);
        deb_ = r.out.substr(0, r.out.find('\n'));
        cpackError_ = r.code() == 0 ? "" : r.status.describe() + ": " + r.err;
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    void SetUp() override {
        if (!skip_.empty()) {
            GTEST_SKIP() << skip_;
        }
        ASSERT_EQ(cpackError_, "");
        ASSERT_FALSE(deb_.empty());
    }

    static std::string dpkgDeb(const std::string& args) {  // args, then the package
        const test::RunResult r = test::runShell("dpkg-deb " + args + " " + test::shellQuote(deb_));
        EXPECT_EQ(r.code(), 0) << r.err;
        return r.out;
    }

    static inline std::string skip_, deb_, cpackError_;
    static inline test::TempDir* dir_ = nullptr;
};

}  // namespace

// One package per test (cpack takes seconds): its files, its control fields, its man page.
TEST_F(Package, HoldsTheFilesDependsOnDebiansRuntimePackagesAndItsManPageRenders) {
    const std::string files = dpkgDeb("-c");
    for (const char* path :
         {"./usr/bin/rtmtap\n", "./usr/share/man/man1/rtmtap.1.gz\n", "./usr/share/bash-completion/completions/rtmtap\n",
          "./usr/share/zsh/vendor-completions/_rtmtap\n", "./usr/share/doc/rtmtap/README.md\n",
          "./usr/share/doc/rtmtap/schema.md\n", "./usr/share/doc/rtmtap/copyright\n"}) {
        EXPECT_NE(files.find(path), std::string::npos) << path << " missing from:\n" << files;
    }
    for (const char* unwanted : {"_tests", "fuzz", "bench", ".a\n", "/include/"}) {
        EXPECT_EQ(files.find(unwanted), std::string::npos) << unwanted << " in:\n" << files;
    }

    EXPECT_EQ(test::runShell("dpkg-deb -f " + test::shellQuote(deb_) + " Package Version Section").out,
              "Package: rtmtap\nVersion: " + std::string(RTMTAP_PROJECT_VERSION) + "\nSection: net\n");
    const std::string depends = test::runShell("dpkg-deb -f " + test::shellQuote(deb_) + " Depends").out;
    for (const char* library : {"libpoconet", "libpocofoundation", "libsqlite3-0", "libssl3", "libstdc++6", "libc6"}) {
        EXPECT_NE(depends.find(library), std::string::npos) << library << " not in: " << depends;
    }

    if (!test::haveTool("groff")) {
        std::cerr << "groff is not installed (Debian: groff-base): the man page was not rendered\n";
        return;
    }
    const test::RunResult man = test::runShell("dpkg-deb --fsys-tarfile " + test::shellQuote(deb_) +
                                               " | tar -xOf - ./usr/share/man/man1/rtmtap.1.gz | gzip -dc"
                                               " | groff -man -Tutf8 -P-cbou -ww");  // plain text
    EXPECT_EQ(man.code(), 0);
    EXPECT_EQ(man.err, "") << "groff warned";
    for (const char* text : {"NAME", "rtmtap proxy", "Examples:", "EXIT STATUS", "RTMTAP_DB"}) {
        EXPECT_NE(man.out.find(text), std::string::npos) << text;
    }
}

TEST_F(Package, WhatItInstallsRunsOnItsOwn) {
    test::TempDir root, work;
    ASSERT_EQ(test::runShell("dpkg-deb -x " + test::shellQuote(deb_) + " " + test::shellQuote(root.path())).code(), 0);
    const std::string rtmtap = test::shellQuote(root.path() + "/usr/bin/rtmtap");

    const test::RunResult version = test::runShell(rtmtap + " --version");
    EXPECT_EQ(version.code(), 0) << version.err;
    EXPECT_EQ(version.out, cli::versionLine() + "\n");
    EXPECT_NE(version.out.find("(git "), std::string::npos);

    // From an empty folder: nothing of the source tree is needed; it records ./rtmtap-demo.db.
    const test::RunResult demo =
        test::runShell("cd " + test::shellQuote(work.path()) + " && " + rtmtap + " demo --duration 3 --quiet", 60000);
    EXPECT_EQ(demo.code(), 0) << demo.err;
    EXPECT_NE(demo.out.find("session "), std::string::npos) << demo.out;
    EXPECT_EQ(test::runShell("test -s " + test::shellQuote(work.file("rtmtap-demo.db"))).code(), 0);

    const std::string bash = test::shellQuote(root.path() + "/usr/share/bash-completion/completions/rtmtap");
    const test::RunResult completion = test::runShell(
        "exec bash --norc -c " +
        test::shellQuote("source " + bash + "; COMP_WORDS=(rtmtap qu); COMP_CWORD=1; _rtmtap; echo ${COMPREPLY[*]}"));
    EXPECT_EQ(completion.out, "query\n") << completion.err;
}
