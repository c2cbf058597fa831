// The editor loop of rtmtap edit without a terminal: the editor is a function that edits the
// file, accept a function that reads it as the JSONL reader does (store/JsonlFormat). Each test
// says what the editor saw on each round.
#include "cli/EditLoop.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "store/RecordingCollector.h"
#include "tests/support/Files.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace rtmtap::cli {
namespace {

using test::slurp;
using test::spit;

const std::string kOriginal =
    R"({"rtmtap":"session","version":1,"id":1,"started_at":"2026-11-25T14:03:07.000000Z","client":"c","upstream":"u","path":"/"})"
    "\n"
    R"({"t_us":1,"dir":"s2c","op":"text","flags":[],"data":{"event":"chat.postMessage","content":"hello"}})"
    "\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// An editor that applies one edit a round and keeps what it saw.
struct ScriptedEditor {
    std::vector<std::function<std::string(const std::string&)>> rounds;
    std::vector<std::string> seen;
    std::string failure;  // what the editor returns on every round

    EditLoop::Editor editor() {
        return [this](const std::string& path) {
            const std::string text = slurp(path);
            seen.push_back(text);
            if (seen.size() <= rounds.size()) {
                spit(path, rounds[seen.size() - 1](text));
            }
            return failure;
        };
    }
};

struct Accepted {
    std::vector<std::string> texts;
    EditLoop::Accept accept() {
        return [this](const std::string& text) {
            std::istringstream in(text);
            RecordingCollector sink(1);
            JsonlFormat::read(in, sink, "", nullptr);  // throws ImportError
            texts.push_back(text);
        };
    }
};

struct LoopRun {
    ScriptedEditor editor;
    Accepted accepted;
    EditOutcome run(const std::string& original = kOriginal) {
        test::TempDir dir;
        EditLoop loop(dir.file("e.jsonl"), editor.editor(), accepted.accept());
        return loop.run(original);
    }
};

TEST(EditLoopTest, AnEditedFileIsAccepted) {
    LoopRun r;
    r.editor.rounds = {[](const std::string& t) { return replaced(t, "hello", "edited"); }};
    EditOutcome outcome = r.run();
    EXPECT_EQ(outcome.kind, EditOutcome::Kind::Accepted);
    ASSERT_EQ(r.editor.seen.size(), 1u);
    EXPECT_EQ(r.editor.seen[0], kOriginal);
    ASSERT_EQ(r.accepted.texts.size(), 1u);
    EXPECT_EQ(r.accepted.texts[0], replaced(kOriginal, "hello", "edited"));
}

TEST(EditLoopTest, AnUnchangedFileOrOneWithOnlyCommentsAddedIsUnchanged) {
    LoopRun saved;
    EXPECT_EQ(saved.run().kind, EditOutcome::Kind::Unchanged);
    LoopRun commented;
    commented.editor.rounds = {[](const std::string& t) { return "# a note\n" + t; }};
    EXPECT_EQ(commented.run().kind, EditOutcome::Kind::Unchanged);
    EXPECT_TRUE(saved.accepted.texts.empty());
    EXPECT_TRUE(commented.accepted.texts.empty());
}

TEST(EditLoopTest, ABrokenFileIsReopenedWithTheErrorOnTopUntilItReads) {
    LoopRun r;
    r.editor.rounds = {
        [](const std::string& t) { return replaced(replaced(t, "hello", "edited"), "\"dir\":\"s2c\"", "\"dir\":\"sideways\""); },
        [](const std::string& t) { return replaced(t, "\"dir\":\"sideways\"", "\"dir\":\"up\""); },
        [](const std::string& t) { return replaced(t, "\"dir\":\"up\"", "\"dir\":\"s2c\""); },
    };
    EditOutcome outcome = r.run();
    EXPECT_EQ(outcome.kind, EditOutcome::Kind::Accepted) << outcome.message;
    ASSERT_EQ(r.editor.seen.size(), 3u);
    // The frame is line 2 of the file saved, line 4 of the file reopened with two lines on top.
    const std::string sideways = r.editor.seen[1];
    EXPECT_EQ(sideways.substr(0, sideways.find('\n')),
              R"(# rtmtap: line 4: "dir" must be "c2s" or "s2c", not "sideways")");
    EXPECT_EQ(sideways.substr(sideways.find('\n') + 1).rfind("# rtmtap: fix it and save", 0), 0u) << sideways;
    // The next round replaces the lines on top, and counts in the same file.
    const std::string up = r.editor.seen[2];
    EXPECT_EQ(up.substr(0, up.find('\n')), R"(# rtmtap: line 4: "dir" must be "c2s" or "s2c", not "up")");
    EXPECT_EQ(up.substr(up.find('{')), replaced(replaced(kOriginal, "hello", "edited"), "\"s2c\"", "\"up\""));
    ASSERT_EQ(r.accepted.texts.size(), 1u);
    EXPECT_NE(r.accepted.texts[0].find("edited"), std::string::npos);
}

TEST(EditLoopTest, ABrokenFileSavedAgainUnchangedAborts) {
    LoopRun r;
    r.editor.rounds = {[](const std::string& t) { return t + "{oops\n"; }};
    EditOutcome outcome = r.run();
    EXPECT_EQ(outcome.kind, EditOutcome::Kind::Aborted);
    EXPECT_EQ(r.editor.seen.size(), 2u);
    EXPECT_EQ(outcome.message.rfind("line 5: not valid JSON", 0), 0u) << outcome.message;
    EXPECT_NE(outcome.message.find("saved again unchanged"), std::string::npos) << outcome.message;
}

TEST(EditLoopTest, AnEmptiedFileOrAFailingEditorAborts) {
    LoopRun emptied;
    emptied.editor.rounds = {[](const std::string&) { return std::string("# only a comment\n\n"); }};
    EditOutcome outcome = emptied.run();
    EXPECT_EQ(outcome.kind, EditOutcome::Kind::Aborted);
    EXPECT_EQ(outcome.message, "the file was emptied: edit aborted, nothing imported");
    LoopRun failing;
    failing.editor.rounds = {[](const std::string& t) { return replaced(t, "hello", "edited"); }};
    failing.editor.failure = "'ed' exited with status 1";
    outcome = failing.run();
    EXPECT_EQ(outcome.kind, EditOutcome::Kind::Aborted);
    EXPECT_EQ(outcome.message, "the editor 'ed' exited with status 1; nothing imported");
    EXPECT_TRUE(emptied.accepted.texts.empty());
    EXPECT_TRUE(failing.accepted.texts.empty());
}

}  // namespace
}  // namespace rtmtap::cli
