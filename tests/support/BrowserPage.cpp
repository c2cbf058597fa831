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

PageRun runOpenPage(std::vector<std::string> args, const std::string& shot, int timeoutMs) {
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

std::string browserToolsMissing(const std::string& browserDir) {
    std::string missing;
    if (access(kChromium.c_str(), X_OK) != 0) {
        missing += " chromium (" + kChromium + ")";
    }
    if (onPath("node").empty()) {
        missing += " node (not on PATH)";
    }
    if (access((browserDir + "/node_modules/playwright-core/package.json").c_str(), R_OK) != 0) {
        missing += " playwright-core (" + browserDir + "/node_modules)";
    }
    return missing.empty() ? "" : "missing:" + missing;
}

PageRun openPage(const std::string& browserDir, const std::string& page, const std::string& apiBase,
                 const std::string& shot, int timeoutMs) {
    return runOpenPage({browserDir + "/open-page.mjs", "--page", page, "--api", apiBase}, shot, timeoutMs);
}

PageRun openUrl(const std::string& browserDir, const PageLaunch& launch) {
    std::vector<std::string> args = {browserDir + "/open-page.mjs", "--url", launch.url};
    for (const std::string& flag : launch.chromiumArgs) {
        args.push_back("--chromium-arg=" + flag);  // a value that starts with a dash needs the `=`
    }
    return runOpenPage(args, launch.shot, launch.timeoutMs);
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

bool isPng(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[8] = {};
    in.read(magic, sizeof magic);
    return in && std::string(magic, 8) == "\x89PNG\r\n\x1a\n";
}

void BrowserTest::SetUp() {
    const std::string missing = browserToolsMissing(browserDir_);
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
