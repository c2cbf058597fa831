// `rtmtap ui` as a process: its one stdout line with the URL, the page and API behind it,
// Ctrl-C, and the errors a person makes at its command line.
#include "tests/support/CraftedSession.h"
#include "tests/support/Eventually.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <sys/stat.h>
#include <thread>
#include <regex>
#include <sstream>

namespace rtmtap::test {
namespace {

std::string fetch(const std::string& url, int& status) {
    Poco::URI uri(url);
    Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request("GET", uri.getPathAndQuery(), Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    status = response.getStatus();
    return body;
}

const std::regex kUrlLine(R"(rtmtap ui: (http://\S+)\n)");

TEST(UiProcessTest, PrintsItsUrlServesAndStopsOnSigterm) {
    TempDir dir;
    CraftedSession s(3);
    s.server(R"({"event":"chat.postMessage","payload":{}})");
    recordSessions(dir.file("r.db"), {&s});
    Process ui({"ui", "--db", dir.file("r.db"), "--listen", "127.0.0.1:0"});
    const std::string url = ui.waitForMatch(kUrlLine);
    ASSERT_FALSE(url.empty()) << ui.out() << ui.err();
    EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
    int status = 0;
    std::string sessions = fetch(url + "api/sessions", status);
    EXPECT_EQ(status, 200);
    EXPECT_NE(sessions.find("\"id\":3"), std::string::npos) << sessions;
    ui.signal(SIGTERM);
    ExitStatus end = ui.waitExit();
    EXPECT_TRUE(end.exited && end.code == 0) << end.describe() << ui.err();
}

TEST(UiProcessTest, OffLoopbackTheUrlCarriesATokenAndSaysSo) {
    TempDir dir;
    Process ui({"ui", "--db", dir.file("later.db"), "--listen", "0.0.0.0:0"});
    const std::string url = ui.waitForMatch(kUrlLine);
    ASSERT_FALSE(url.empty()) << ui.out() << ui.err();
    EXPECT_TRUE(std::regex_search(url, std::regex(R"(\?token=[0-9a-f]{32}$)"))) << url;
    // stderr comes through a pipe of its own: it may be read a moment after the URL's line.
    EXPECT_TRUE(eventually([&] { return ui.err().find("access token") != std::string::npos; })) << ui.err();
    EXPECT_TRUE(eventually([&] { return ui.err().find("does not exist yet") != std::string::npos; })) << ui.err();
    const std::string port = url.substr(std::string("http://0.0.0.0:").size(), url.find('/', 15) - 15);
    int status = 0;
    fetch("http://127.0.0.1:" + port + "/api/info", status);
    EXPECT_EQ(status, 401);
    std::string withToken = url.substr(url.find('?'));
    fetch("http://127.0.0.1:" + port + "/api/info" + withToken, status);
    EXPECT_EQ(status, 200);
    ui.signal(SIGINT);
    EXPECT_EQ(ui.waitExit().code, 0);
}

// --open hands the URL to xdg-open (here a script of the test's, first on PATH).
TEST(UiProcessTest, OpenHandsTheUrlToXdgOpen) {
    TempDir dir;
    const std::string opened = dir.file("opened.txt");
    const std::string mask = dir.file("mask.txt");
    // Its signals first: the browser it starts must inherit neither a signal rtmtap blocks
    // (SIGINT, SIGTERM) nor one it ignores (SIGPIPE, ignored by the server).
    // Read by the shell's own builtins: a command it forks would see the shell in the middle of
    // a fork, when it blocks every signal for a moment.
    spit(dir.file("xdg-open"), "#!/bin/sh\nwhile IFS= read -r line; do case \"$line\" in Sig[BI][lg][kn]*) echo \"$line\";; "
                               "esac; done < /proc/$$/status > " + mask + "\nprintf '%s' \"$1\" > " + opened + "\n");
    ::chmod(dir.file("xdg-open").c_str(), 0755);
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (dir.path() + ":" + path).c_str(), 1);
    Process ui({"ui", "--db", dir.file("r.db"), "--listen", "127.0.0.1:0", "--open"});
    ::setenv("PATH", path.c_str(), 1);
    const std::string url = ui.waitForMatch(kUrlLine);
    ASSERT_FALSE(url.empty()) << ui.out() << ui.err();
    for (int i = 0; i < 200 && slurp(opened).empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(slurp(opened), url);
    std::istringstream masks(slurp(mask));
    std::string blockedLine, ignoredLine;
    std::getline(masks, blockedLine);
    std::getline(masks, ignoredLine);
    EXPECT_EQ(blockedLine, "SigBlk:\t0000000000000000");
    ASSERT_EQ(ignoredLine.rfind("SigIgn:\t", 0), 0u) << ignoredLine;
    const unsigned long long ignored = std::stoull(ignoredLine.substr(8), nullptr, 16);
    EXPECT_EQ(ignored & (1ULL << (SIGPIPE - 1)), 0u) << ignoredLine;
    ui.signal(SIGTERM);
    EXPECT_EQ(ui.waitExit().code, 0);
}

TEST(UiProcessTest, CommandLineMistakesAreOneLineAndExit2) {
    RunResult bad = Process::capture({"ui", "--listen", "here:there"});
    EXPECT_EQ(bad.code(), 2);
    EXPECT_NE(bad.err.find("--listen here:there"), std::string::npos) << bad.err;

    Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::string port = std::to_string(taken.address().port());
    RunResult busy = Process::capture({"ui", "--listen", "127.0.0.1:" + port});
    EXPECT_EQ(busy.code(), 2);
    EXPECT_NE(busy.err.find("cannot listen on 127.0.0.1:" + port), std::string::npos) << busy.err;
    EXPECT_EQ(std::count(busy.err.begin(), busy.err.end(), '\n'), 1) << busy.err;
}

}  // namespace
}  // namespace rtmtap::test
