#pragma once
// Tests of the control socket: a proxy with the live-session registry as its tap, in front of a
// silent upstream, its control server for a database in a temporary folder, and clients whose
// sessions the proxy has taken into its loops.
#include "control/ControlServer.h"
#include "control/LiveSessions.h"
#include "proxy/Proxy.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

namespace rtmtap::test {

class ControlFixture : public ::testing::Test {
protected:
    ControlFixture();
    ~ControlFixture() override;  // the control server, then the proxy

    std::string db() const { return dir_.file("rtmtap.db"); }
    std::string socketPath() const { return ControlServer::pathFor(db()); }
    void startServer(ControlServerOptions options = {});
    // A client whose session the proxy holds in a loop (and whose ws_auth it saw when userId is
    // given), its upstream connected.
    std::unique_ptr<TestClient> connect(int64_t userId = 0);

    TempDir dir_;
    TestUpstream upstream_;
    LiveSessions live_;
    std::unique_ptr<Proxy> proxy_;
    std::unique_ptr<ControlServer> server_;
};

}  // namespace rtmtap::test
