#pragma once
// Runs a page of tests/browser (login.html, webclient.html) in Debian's chromium through
// open-page.mjs (node, playwright-core), from an origin of its own, against an API base URL, or a
// page the test serves itself (regular.html) with chromium flags of the test's; and
// the small readers the browser tests share. The tools are installed by scripts/install-deps.
#include "Process.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include <memory>

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

// A page that the test serves itself (open-page.mjs --url), in a chromium with flags of the
// test's (e.g. --proxy-server=http://127.0.0.1:PORT).
struct PageLaunch {
    std::string url;                        // "https://localhost:PORT/regular.html?..."
    std::vector<std::string> chromiumArgs;  // each a whole flag, "--name=value"
    std::string shot;                       // a PNG path or ""
    int timeoutMs = 60000;
};
PageRun openUrl(const std::string& browserDir, const PageLaunch& launch);

std::vector<std::string> jsonStrings(const Poco::JSON::Array::Ptr& array);

// node on PATH ("" when missing), for the tests that run a script of tests/browser themselves.
std::string nodeBinary();
// The last non-empty line of out parsed as a JSON object; nullptr when it is not one.
Poco::JSON::Object::Ptr lastJsonLine(const std::string& out);

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

}  // namespace rtmtap::test
