#pragma once
// Runs a page of tests/browser (login.html, webclient.html) in Debian's chromium through
// open-page.mjs (node, playwright-core), from an origin of its own, against an API base URL; and
// the small readers the browser tests share. The tools are installed by scripts/install-deps.
#include "Process.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include <memory>

#include <regex>
#include <string>
#include <vector>

namespace rtmtap::test {

// What is missing to run a page ("missing: chromium (...) node ..."), "" when all is there.
std::string browserToolsMissing(const std::string& browserDir);

struct PageRun {
    Poco::JSON::Object::Ptr result;  // the page's window.rtmtapResult plus consoleErrors; nullptr when none came
    ExitStatus ran;
    std::string out, err;  // what open-page.mjs printed
};

// page: "webclient.html"; apiBase: "http://127.0.0.1:8081/api/v1"; shot: a PNG path or "".
PageRun openPage(const std::string& browserDir, const std::string& page, const std::string& apiBase,
                 const std::string& shot, int timeoutMs = 60000);

// The first match of group 1 of pattern in the process's stdout; "" when it ended or timed out.
std::string waitForOutput(Process& p, const std::regex& pattern, int timeoutMs = 20000);

std::vector<std::string> jsonStrings(const Poco::JSON::Array::Ptr& array);

// $envName when set (to keep a screenshot in docs/), else fallback.
std::string screenshotPath(const char* envName, const std::string& fallback);

bool isPng(const std::string& path);

// The browser tests' fixture: skipped with RTMTAP_SKIP_BROWSER=1, failed (with what to install)
// when the tools are missing.
class BrowserTest : public ::testing::Test {
protected:
    explicit BrowserTest(std::string browserDir) : browserDir_(std::move(browserDir)) {}
    void SetUp() override;
    const std::string& browserDir() const { return browserDir_; }

private:
    std::string browserDir_;
};

// `rtmtap simulate` (seed 7, both sides on port 0) behind `rtmtap proxy --api-upstream` recording
// into db: what a browser page is pointed at. started() is false (failure() says why) when either
// did not come up.
class SimulatorBehindProxy {
public:
    SimulatorBehindProxy(const std::string& db, const std::vector<std::string>& simulateArgs = {});
    bool started() const { return failure_.empty(); }
    const std::string& failure() const { return failure_; }
    const std::string& simApi() const { return simApi_; }  // http://127.0.0.1:PORT
    const std::string& simWs() const { return simWs_; }    // ws://127.0.0.1:PORT
    const std::string& api() const { return api_; }        // the proxy's API side, http://127.0.0.1:PORT
    uint16_t wsPort() const { return wsPort_; }            // the proxy's WebSocket side
    // SIGINT to the proxy (the recording complete when it exits: its status is returned), then
    // SIGTERM to the simulator.
    ExitStatus stop();

private:
    std::unique_ptr<Process> sim_, proxy_;
    std::string failure_, simApi_, simWs_, api_;
    uint16_t wsPort_ = 0;
};

}  // namespace rtmtap::test
