// `rtmtap simulate` as a process: the ready line, a login against it, SIGTERM, and errors.
#include "tests/support/Process.h"
#include "tests/support/SimulateProcess.h"
#include "tests/support/TestClient.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

namespace rtmtap::test {
namespace {

TEST(SimulateCommand, ServesLoginAndStopsOnSigterm) {
    SimulateProcess sim({"--seed", "9", "--users", "3"});
    ASSERT_TRUE(sim.started()) << sim.output();
    Process& p = sim.process();
    const std::string api = sim.api();
    EXPECT_NE(p.out().find("user1@example.test"), std::string::npos);
    EXPECT_NE(p.out().find("seed 9"), std::string::npos);
    const std::string body = "user=user3%40example.test&password=password";
    HttpResult r = TestClient::rawRequest(static_cast<uint16_t>(Poco::URI(api).getPort()),
                                          "POST /api/v1/user.login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                          "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                                              std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_NE(r.body.find("\"token\""), std::string::npos);
    p.signal(SIGTERM);
    ExitStatus s = p.waitExit();
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe();
}

TEST(SimulateCommand, BadListenIsOneLineAndExit2) {
    std::string out, err;
    ExitStatus s = Process::run({"simulate", "--listen", "nonsense:port"}, out, err);
    EXPECT_TRUE(s.exited && s.code == 2) << s.describe();
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_NE(err.find("--listen"), std::string::npos) << err;
}

TEST(SimulateCommand, TakenPortIsOneLineAndExit2) {
    Poco::Net::ServerSocket taken(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::string out, err;
    const std::string listen = "127.0.0.1:" + std::to_string(taken.address().port());
    ExitStatus s = Process::run({"simulate", "--listen", "127.0.0.1:0", "--api-listen", listen}, out, err);
    EXPECT_TRUE(s.exited && s.code == 2) << s.describe();
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_NE(err.find("cannot start the simulator"), std::string::npos) << err;
}

TEST(SimulateCommand, UnknownFlavorIsExit2) {
    std::string out, err;
    ExitStatus s = Process::run({"simulate", "--flavor", "fake"}, out, err);
    EXPECT_TRUE(s.exited && s.code == 2) << s.describe();
}

}  // namespace
}  // namespace rtmtap::test
