#pragma once
// What the binary says about itself: the version of CMake's project(), the git commit it was built
// from and the build date (cmake/BuildInfo.cmake writes them into a generated header).
#include <string>

namespace rtmtap::cli {

std::string projectVersion();  // "0.1.0"
std::string gitCommit();       // "3476be2", "3476be2-dirty", or "unknown" (no git checkout)
std::string buildDate();       // "2026-11-30" (UTC)

// `rtmtap --version`: "rtmtap 0.1.0 (git 3476be2, built 2026-11-30)".
std::string versionLine();

}  // namespace rtmtap::cli
