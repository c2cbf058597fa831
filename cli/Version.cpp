#include "Version.h"

// Generated into the build folder; only this file includes it, so a new commit recompiles one file.
#include "rtmtap_build_info.h"

namespace rtmtap::cli {

std::string projectVersion() {
    return RTMTAP_VERSION;
}

std::string gitCommit() {
    return RTMTAP_GIT_COMMIT;
}

std::string buildDate() {
    return RTMTAP_BUILD_DATE;
}

std::string versionLine() {
    return "rtmtap " + projectVersion() + " (git " + gitCommit() + ", built " + buildDate() + ")";
}

}  // namespace rtmtap::cli
