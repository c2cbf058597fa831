// What the read commands print for people is safe to print on a terminal, whatever was recorded:
// the hostile recordings (tests/support/HostileSessions: ESC sequences, BEL, NUL, DEL, a C1 CSI,
// right-to-left overrides, invalid UTF-8, 1 MiB names) go through sessions, show, query, stats
// and lint in their readable forms, and no output holds a control character but the newline,
// a character that reorders what a terminal shows, or bytes that are not UTF-8; and no line
// carries a whole 1 MiB name.
#include "protocol/Utf8.h"
#include "tests/support/HostileSessions.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

namespace rtmtap {
namespace {

using test::Process;
using test::RunResult;

// The first thing in text a terminal would act on, described; "" when there is none.
std::string terminalHazard(const std::string& text) {
    if (!isValidUtf8(text)) {
        return "bytes that are not UTF-8";
    }
    for (size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        const auto next = [&](size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0; };
        const std::string at = " at byte " + std::to_string(i) + ": ..." + text.substr(i > 40 ? i - 40 : 0, 80);
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            return "control character " + std::to_string(c) + at;
        }
        if (c == 0xc2 && next(1) < 0xa0) {
            return "C1 control character" + at;
        }
        const bool overrides = c == 0xe2 && ((next(1) == 0x80 && next(2) >= 0xaa && next(2) <= 0xae) ||
                                            (next(1) == 0x81 && next(2) >= 0xa6 && next(2) <= 0xa9));
        if (overrides) {
            return "a bidirectional override" + at;
        }
    }
    return "";
}

class TerminalOutputTest : public ::testing::Test {
protected:
    void SetUp() override {
        ids_ = test::importHostileSessions(db_, dir_.path());
        ASSERT_EQ(ids_.size(), 4u);
    }

    // Runs rtmtap with args (stdout a pipe: no colour) and checks both streams.
    // longestLine: --pretty prints a payload whole, a 1 MiB string value on its line.
    void expectSafe(const std::vector<std::string>& args, std::initializer_list<int> codes = {0},
                    size_t longestLine = 5000) {
        std::string line = "rtmtap";
        for (const std::string& a : args) {
            line += " " + a;
        }
        SCOPED_TRACE(line);
        const RunResult r = Process::capture(args, 60000);
        EXPECT_NE(std::find(codes.begin(), codes.end(), r.code()), codes.end()) << r.status.describe() << "\n" << r.err;
        EXPECT_EQ(terminalHazard(r.out), "") << "stdout";
        EXPECT_EQ(terminalHazard(r.err), "") << "stderr";
        EXPECT_FALSE(r.out.empty());
        size_t longest = 0;
        for (size_t start = 0; start < r.out.size();) {
            const size_t end = std::min(r.out.find('\n', start), r.out.size());
            longest = std::max(longest, end - start);
            start = end + 1;
        }
        EXPECT_LT(longest, longestLine) << "a line for people, not a 1 MiB recorded name";
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("hostile.db");
    std::vector<int64_t> ids_;
};

TEST_F(TerminalOutputTest, SessionsListsHostileRecordingsAsPlainText) {
    expectSafe({"sessions", "--db", db_});
}

TEST_F(TerminalOutputTest, ShowAndQueryPrintHostileFramesAsPlainText) {
    for (int64_t id : ids_) {
        expectSafe({"show", "--db", db_, std::to_string(id)});
    }
    expectSafe({"query", "--db", db_});
    expectSafe({"query", "--db", db_, "--pretty"}, {0}, SIZE_MAX);
}

TEST_F(TerminalOutputTest, StatsOfHostileRecordingsArePlainText) {
    expectSafe({"stats", "--db", db_});
    for (int64_t id : ids_) {
        expectSafe({"stats", "--db", db_, std::to_string(id)});
    }
}

TEST_F(TerminalOutputTest, LintFindingsOfHostileRecordingsArePlainText) {
    expectSafe({"lint", "--db", db_}, {0, 1});
    expectSafe({"lint", "--db", db_, "--recheck"}, {0, 1});
}

}  // namespace
}  // namespace rtmtap
