#pragma once
// The editor for one process-level test (`rtmtap edit`, `rtmtap intercept`): a shell script the
// test writes, named by $VISUAL (and $EDITOR set to something that fails, to show $VISUAL comes
// first) or by $EDITOR alone; both are restored at the end.
#include "TempDir.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap::test {

class EditorEnv {
public:
    // body: the script after its #! line; "$1" is the file to edit.
    EditorEnv(const TempDir& dir, const std::string& body, const char* variable = "VISUAL");
    ~EditorEnv();
    EditorEnv(const EditorEnv&) = delete;
    EditorEnv& operator=(const EditorEnv&) = delete;

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace rtmtap::test
