#include "EditorEnv.h"

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

namespace rtmtap::test {

EditorEnv::EditorEnv(const TempDir& dir, const std::string& body, const char* variable) {
    for (const char* name : {"VISUAL", "EDITOR"}) {
        const char* value = std::getenv(name);
        saved_.push_back({name, value ? std::optional<std::string>(value) : std::nullopt});
        ::unsetenv(name);
    }
    const std::string script = dir.file("editor.sh");
    std::ofstream(script) << "#!/bin/sh\n" << body << "\n";
    ::chmod(script.c_str(), 0700);
    if (std::string(variable) == "VISUAL") {
        ::setenv("EDITOR", "false", 1);
    }
    // Through sh -c, as a user's EDITOR="code --wait": a command with an argument.
    ::setenv(variable, ("sh " + script).c_str(), 1);
}

EditorEnv::~EditorEnv() {
    for (const auto& [name, value] : saved_) {
        if (value) {
            ::setenv(name.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(name.c_str());
        }
    }
}

}  // namespace rtmtap::test
