#include "BrowserPage.h"

#include <Poco/JSON/Parser.h>

#include <unistd.h>


#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace rtmtap::test {
namespace {

const std::string kChromium = "/usr/bin/chromium";
const std::string kFirefox = "/usr/bin/firefox-esr";

std::string onPath(const std::string& name) {
    std::istringstream path(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    for (std::string dir; std::getline(path, dir, ':');) {
        const std::string candidate = dir + "/" + name;
        if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return "";
}

PageRun runScript(std::vector<std::string> args, const std::string& shot, int timeoutMs) {
    if (!shot.empty()) {
        std::remove(shot.c_str());
        args.insert(args.end(), {"--screenshot", shot});
    }
    Process node(args, nodeBinary());
    PageRun run;
    run.ran = node.waitExit(timeoutMs);
    run.out = node.out();
    run.err = node.err();
    run.result = lastJsonLine(run.out);
    return run;
}

}  // namespace

std::string browserToolsMissing(const std::string& browserDir, BrowserKind kind) {
    const bool firefox = kind == BrowserKind::Firefox;
    const std::string& browser = firefox ? kFirefox : kChromium;
    const std::string driver = firefox ? "puppeteer-core" : "playwright-core";
    std::string missing;
    if (access(browser.c_str(), X_OK) != 0) {
        missing += " " + std::string(firefox ? "firefox-esr" : "chromium") + " (" + browser + ")";
    }
    if (onPath("node").empty()) {
        missing += " node (not on PATH)";
    }
    if (access((browserDir + "/node_modules/" + driver + "/package.json").c_str(), R_OK) != 0) {
        missing += " " + driver + " (" + browserDir + "/node_modules)";
    }
    return missing.empty() ? "" : "missing:" + missing;
}

PageRun openPage(const std::string& browserDir, const std::string& page, const std::string& apiBase,
                 const std::string& shot, int timeoutMs) {
    return runScript({browserDir + "/open-page.mjs", "--page", page, "--api", apiBase}, shot, timeoutMs);
}

PageRun openUrl(const std::string& browserDir, const PageLaunch& launch) {
    std::vector<std::string> args = {browserDir + "/open-page.mjs", "--url", launch.url};
    for (const std::string& flag : launch.chromiumArgs) {
        args.push_back("--chromium-arg=" + flag);  // a value that starts with a dash needs the `=`
    }
    return runScript(args, launch.shot, launch.timeoutMs);
}

PageRun checkInFirefox(const std::string& browserDir, const FirefoxCheck& check) {
    std::vector<std::string> args = {browserDir + "/firefox-check.mjs", "--url", check.url,
                                     "--timeout", std::to_string(check.timeoutMs), "--firefox", kFirefox};
    if (!check.click.empty()) {
        args.insert(args.end(), {"--click", check.click});
    }
    if (!check.waitSelector.empty()) {
        args.insert(args.end(), {"--wait-selector", check.waitSelector});
    }
    for (const std::string& selector : check.counts) {
        args.insert(args.end(), {"--count", selector});
    }
    return runScript(args, check.shot, 2 * check.timeoutMs + 60000);
}

std::string nodeBinary() {
    return onPath("node");
}

Poco::JSON::Object::Ptr lastJsonLine(const std::string& out) {
    std::istringstream lines(out);
    std::string last;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            last = line;
        }
    }
    try {
        return Poco::JSON::Parser().parse(last).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::vector<std::string> jsonStrings(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> out;
    for (size_t i = 0; array && i < array->size(); ++i) {
        out.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    }
    return out;
}

std::string screenshotPath(const char* envName, const std::string& fallback) {
    const char* env = std::getenv(envName);
    return env && *env ? env : fallback;
}

std::string uiScreenshotPath(const std::string& name) {
    const char* env = std::getenv("RTMTAP_UI_SCREENSHOTS");
    return std::string(env && std::string(env) == "docs" ? RTMTAP_UI_DOCS_DIR : RTMTAP_UI_BUILD_DIR) + "/" + name;
}

bool isPng(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[8] = {};
    in.read(magic, sizeof magic);
    return in && std::string(magic, 8) == "\x89PNG\r\n\x1a\n";
}

void BrowserTest::SetUp() {
    const std::string missing = browserToolsMissing(browserDir_, kind_);
    const char* skip = std::getenv("RTMTAP_SKIP_BROWSER");
    if (skip && std::string(skip) == "1") {
        GTEST_SKIP() << "RTMTAP_SKIP_BROWSER=1" << (missing.empty() ? "" : " (" + missing + ")");
    }
    if (!missing.empty()) {
        FAIL() << "the browser test cannot run, " << missing
               << " (run scripts/install-deps, or set RTMTAP_SKIP_BROWSER=1 to skip this test)";
    }
}

}  // namespace rtmtap::test
