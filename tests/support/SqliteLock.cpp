#include "SqliteLock.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

namespace rtmtap::test {

std::string SqliteLock::shell() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        std::string candidate = (dir.empty() ? "." : dir) + "/sqlite3";
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return "";
}

SqliteLock::SqliteLock(const std::string& dbPath, int timeoutMs) {
    // -batch: no prompts; .timeout: wait for the recorder's own short transactions.
    shell_ = std::make_unique<Process>(std::vector<std::string>{"-batch", dbPath}, shell(), true);
    shell_->writeStdin(".timeout 10000\nBEGIN EXCLUSIVE;\nSELECT 'rtmtap-test-locked';\n");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < deadline) {
        if (shell_->out().find("rtmtap-test-locked") != std::string::npos) {
            held_ = true;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

SqliteLock::~SqliteLock() {
    release();
}

std::string SqliteLock::output() const {
    return shell_ ? shell_->out() + shell_->err() : "";
}

void SqliteLock::release() {
    if (!shell_ || !held_) {
        return;
    }
    held_ = false;
    shell_->writeStdin("COMMIT;\n.quit\n");
    shell_->closeStdin();
    shell_->waitExit(20000);
}

}  // namespace rtmtap::test
