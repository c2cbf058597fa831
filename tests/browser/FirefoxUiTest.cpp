// The viewer works in Firefox too (issue 15): `rtmtap ui` over a database the demo (simulator,
// proxy, clients) recorded, opened in Debian's firefox-esr by tests/browser/firefox-check.mjs
// (node, puppeteer-core over WebDriver BiDi): the sessions list shows every session, a click on
// the first opens its frames, and the page logs no error. Chromium's tests are the other browser
// tests; this one checks the same page loads and works in the other engine. The tools come from
// scripts/install-deps; without them the test fails, unless RTMTAP_SKIP_BROWSER=1.
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/BrowserPage.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <sstream>

namespace rtmtap::test {
namespace {

const std::string kBrowserDir = RTMTAP_BROWSER_DIR;

class FirefoxUi : public BrowserTest {
protected:
    FirefoxUi() : BrowserTest(kBrowserDir, BrowserKind::Firefox) {}
};

int count(const Poco::JSON::Object::Ptr& counts, const std::string& selector) {
    return counts && counts->has(selector) ? counts->getValue<int>(selector) : -1;
}

TEST_F(FirefoxUi, ListsTheSessionsAndOpensOnesFrames) {
    TempDir dir;
    const std::string db = dir.file("ui.db");
    const RunResult demo = Process::capture({"demo", "--db", db, "--seconds", "2", "--clients", "2", "--quiet"}, 60000);
    ASSERT_EQ(demo.code(), 0) << demo.status.describe() << "\n" << demo.out << demo.err;
    const auto sessions = static_cast<int>(openReader(db)->sessions().size());
    ASSERT_GE(sessions, 2);

    Process ui({"ui", "--db", db, "--listen", "127.0.0.1:0"});
    const std::string url = ui.waitForMatch(std::regex(R"(rtmtap ui: (http://127\.0\.0\.1:\d+/\S*))"), 20000);
    ASSERT_FALSE(url.empty()) << "rtmtap ui printed no URL\nstdout: " << ui.out() << "\nstderr: " << ui.err();

    FirefoxCheck check;
    check.url = url + "#/";
    check.click = "tr[data-session]";
    check.waitSelector = ".frame-row";
    check.counts = {"tr[data-session]", ".frame-row"};
    check.shot = uiScreenshotPath("ui-firefox.png");
    const PageRun run = checkInFirefox(kBrowserDir, check);
    ASSERT_NE(run.result, nullptr) << run.ran.describe() << "\nstdout: " << run.out << "\nstderr: " << run.err;
    std::ostringstream shown;
    run.result->stringify(shown, 1);
    EXPECT_TRUE(run.result->getValue<bool>("ok")) << run.result->getValue<std::string>("error") << "\n" << shown.str();
    EXPECT_TRUE(run.ran.exited && run.ran.code == 0) << run.ran.describe() << "\n" << run.err;
    EXPECT_EQ(jsonStrings(run.result->getArray("consoleErrors")), std::vector<std::string>{}) << shown.str();
    EXPECT_EQ(count(run.result->getObject("readyCounts"), "tr[data-session]"), sessions) << shown.str();
    EXPECT_GT(count(run.result->getObject("counts"), ".frame-row"), 0) << shown.str();
    EXPECT_TRUE(isPng(check.shot)) << check.shot;

    ui.signal(SIGINT);
    const ExitStatus end = ui.waitExit(20000);
    EXPECT_TRUE(end.exited && end.code == 0) << end.describe() << "\n" << ui.err();
}

}  // namespace
}  // namespace rtmtap::test
