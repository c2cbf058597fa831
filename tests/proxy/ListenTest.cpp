#include "proxy/Proxy.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using namespace rtmtap;

// POCO 1.11 turns SO_REUSEPORT on together with SO_REUSEADDR unless told otherwise; then a second
// proxy on a taken port would bind silently and share its connections with the first.
TEST(ProxyListen, ASecondProxyOnTheSamePortFailsToStart) {
    ProxyConfig config;
    config.listenPort = 0;
    config.upstream = "ws://127.0.0.1:9";
    Proxy first(config, {});
    first.start();
    config.listenPort = first.port();
    Proxy second(config, {});
    try {
        second.start();
        FAIL() << "the second proxy started on port " << first.port();
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
                  std::string::npos)
            << e.what();
    }
}
