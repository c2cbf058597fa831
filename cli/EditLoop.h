#pragma once
// The editor loop of `rtmtap edit`, as `git commit` runs its editor, with the editor and the
// import passed in so that tests drive it without a terminal: the file is written, edited, and
// read back; a text that does not read is written back with the error in '#' lines on top (the
// JSONL reader skips them) and edited again; an unchanged text, an emptied one and a failing
// editor end the loop.
#include <functional>
#include <string>

namespace rtmtap::cli {

struct EditOutcome {
    enum class Kind {
        Accepted,   // accept took the edited text
        Unchanged,  // the text reads the same as the original: nothing to do
        Aborted,    // message says why
        // accept failed for a reason no edit fixes (the database locked, read-only, recorded
        // into): message says why and names the file, which holds the edits and must be kept.
        Failed,
    };
    Kind kind = Kind::Aborted;
    std::string message;  // Aborted: one line, without the "rtmtap: " prefix
};

// What the file and the outcomes say: by default `rtmtap edit`'s words; `rtmtap intercept` edits
// a frame, not a recording.
struct EditLoopWords {
    std::string howTo = "fix it and save to import; empty the file, or quit the editor with an error, to give up";
    std::string nothingDone = "nothing imported";  // ends every Aborted message
};

class EditLoop {
public:
    // Runs the editor on path and waits for it: "" when it exited 0, else what went wrong
    // ("'vi' exited with status 1").
    using Editor = std::function<std::string(const std::string& path)>;
    // Takes the edited text (comments and all); throws ImportError when it does not read, and
    // then must have kept nothing of it. Any other exception ends the loop as Failed.
    using Accept = std::function<void(const std::string& text)>;

    static constexpr const char* kCommentPrefix = "# rtmtap: ";

    EditLoop(std::string path, Editor editor, Accept accept, EditLoopWords words = {});

    // Writes original to the file and edits it until accept takes it or the loop ends.
    // Throws std::runtime_error when the file cannot be written or read.
    EditOutcome run(const std::string& original);

private:
    void writeFile(const std::string& text) const;
    std::string readFile() const;

    std::string path_;
    Editor editor_;
    Accept accept_;
    EditLoopWords words_;
};

}  // namespace rtmtap::cli
