#pragma once
// Runs a /bin/sh script for the tests that drive outside tools (cmake -P, cpack, dpkg-deb, bash,
// groff), through Process: output captured, killed after timeoutMs.
#include "tests/support/Process.h"
#include "view/ShellWord.h"

#include <string>

namespace rtmtap::test {

RunResult runShell(const std::string& script, int timeoutMs = 60000);
// A word for sh (view/ShellWord.h), under the name the tests know.
inline std::string shellQuote(const std::string& text) {
    return view::shellWord(text);
}
// The tool is on PATH (command -v).
bool haveTool(const std::string& name);

}  // namespace rtmtap::test
