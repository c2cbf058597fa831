#pragma once
// The user's editor, as git runs it: for `rtmtap edit` (a recording) and `rtmtap intercept` (a
// held frame); cli/EditLoop runs it until the text reads.
#include <string>

namespace rtmtap::cli {

// $VISUAL, else $EDITOR, else vi.
std::string editorCommand();

// Runs editor on path through sh (EDITOR="code --wait" works; the path is "$1", never quoted
// into the script) on the inherited terminal, and waits: "" when it exited 0, else what went
// wrong ("'vi' exited with status 1"). Ctrl-C and Ctrl-\ are the editor's while it runs.
std::string runEditor(const std::string& editor, const std::string& path);

// A new empty file only the user can read, $TMPDIR/stem-XXXXXX.suffix (else in /tmp). Throws
// std::runtime_error with one line when it cannot be made.
std::string privateTempFile(const std::string& stem, const std::string& suffix);

}  // namespace rtmtap::cli
