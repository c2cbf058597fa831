#pragma once
// Runs a page of tests/browser (login.html, webclient.html) in Debian's chromium through
// open-page.mjs (node, playwright-core), from an origin of its own, against an API base URL, or a
// page the test serves itself (regular.html) with chromium flags of the test's; checks a page of
// `rtmtap ui` in Debian's firefox-esr through firefox-check.mjs (node, puppeteer-core); and the
// small readers the browser tests share. The tools are installed by scripts/install-deps.
#include "Process.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>

#include <memory>

#include <string>
#include <vector>

namespace rtmtap::test {

enum class BrowserKind { Chromium, Firefox };

// What is missing to run a page in that browser ("missing: chromium (...) node ..."), "" when all
// is there: node, and chromium with playwright-core or firefox-esr with puppeteer-core.
std::string browserToolsMissing(const std::string& browserDir, BrowserKind kind = BrowserKind::Chromium);

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

// A page of `rtmtap ui` in firefox-esr (firefox-check.mjs): opened at url, ready when it sets
// body.dataset.ready to "1"; then click, then waitSelector. result holds ok, error,
// consoleErrors, title, readyCounts (each of counts when the page got ready) and counts (after
// the click and the wait).
struct FirefoxCheck {
    std::string url;                  // "http://127.0.0.1:PORT/#/"
    std::string click;                // a CSS selector, or "" for no click
    std::string waitSelector;         // idem, "" for no wait
    std::vector<std::string> counts;  // CSS selectors to count
    std::string shot;                 // a PNG path or ""
    int timeoutMs = 30000;            // each wait's; the whole run gets twice that and a minute
};
PageRun checkInFirefox(const std::string& browserDir, const FirefoxCheck& check);

std::vector<std::string> jsonStrings(const Poco::JSON::Array::Ptr& array);

// node on PATH ("" when missing), for the tests that run a script of tests/browser themselves.
std::string nodeBinary();
// The last non-empty line of out parsed as a JSON object; nullptr when it is not one.
Poco::JSON::Object::Ptr lastJsonLine(const std::string& out);

// $envName when set (to keep a screenshot in docs/), else fallback.
std::string screenshotPath(const char* envName, const std::string& fallback);
// Where a screenshot of the viewer goes: docs/NAME with RTMTAP_UI_SCREENSHOTS=docs (the README's
// pictures), else NAME in the build directory.
std::string uiScreenshotPath(const std::string& name);

bool isPng(const std::string& path);

// The browser tests' fixture: skipped with RTMTAP_SKIP_BROWSER=1, failed (with what to install)
// when the tools for that browser are missing.
class BrowserTest : public ::testing::Test {
protected:
    explicit BrowserTest(std::string browserDir, BrowserKind kind = BrowserKind::Chromium)
        : browserDir_(std::move(browserDir)), kind_(kind) {}
    void SetUp() override;
    const std::string& browserDir() const { return browserDir_; }

private:
    std::string browserDir_;
    BrowserKind kind_;
};

}  // namespace rtmtap::test
