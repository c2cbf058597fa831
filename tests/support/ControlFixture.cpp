#include "ControlFixture.h"

#include "tests/support/TestData.h"

#include <chrono>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

TestUpstream::Options silent() {
    TestUpstream::Options o;
    o.echo = false;
    return o;
}

}  // namespace

ControlFixture::ControlFixture() : upstream_(silent()) {
    ProxyConfig config;
    config.listenPort = 0;
    config.upstream = upstream_.url();
    config.loops = 2;
    proxy_ = std::make_unique<Proxy>(config, std::vector<Tap*>{&live_});
    proxy_->start();
}

ControlFixture::~ControlFixture() {
    server_.reset();
    proxy_->stop();
}

void ControlFixture::startServer(ControlServerOptions options) {
    server_ = std::make_unique<ControlServer>(socketPath(), *proxy_, live_, options);
}

std::unique_ptr<TestClient> ControlFixture::connect(int64_t userId) {
    const size_t before = live_.list().size();
    auto client = std::make_unique<TestClient>(proxy_->port());
    EXPECT_TRUE(client->open());
    if (userId) {
        std::string claims = R"({"user_id":)" + std::to_string(userId) + R"(,"user_name":"u)" +
                             std::to_string(userId) + R"(@test.com"})";
        client->sendText(R"({"command":"ws_auth","auth_token":")" + makeJwt(claims) + R"("})");
    }
    for (int i = 0; i < 500; ++i) {
        auto sessions = live_.list();
        bool ready = sessions.size() > before && (!userId || sessions.back().user_id == userId);
        if (ready && proxy_->stats().sessionsActive >= sessions.size()) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(upstream_.waitForConnections(before + 1));
    return client;
}

}  // namespace rtmtap::test
