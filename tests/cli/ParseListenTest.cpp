#include "cli/ProxyCommand.h"

#include <gtest/gtest.h>

using rtmtap::cli::parseListen;

TEST(ParseListen, AcceptsTheUsualForms) {
    std::string host;
    uint16_t port = 0;
    ASSERT_TRUE(parseListen("127.0.0.1:9001", host, port));
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_EQ(port, 9001);
    ASSERT_TRUE(parseListen("[::1]:0", host, port));
    EXPECT_EQ(host, "::1");
    EXPECT_EQ(port, 0);
    ASSERT_TRUE(parseListen(":9100", host, port));
    EXPECT_EQ(host, "127.0.0.1");
    EXPECT_EQ(port, 9100);
    ASSERT_TRUE(parseListen("9200", host, port));
    EXPECT_EQ(port, 9200);
}

TEST(ParseListen, RejectsGarbage) {
    std::string host;
    uint16_t port = 0;
    for (const char* bad : {"", "host:", "host:port", "1:2:3", "[::1]", "127.0.0.1:70000", "[::1:80"}) {
        EXPECT_FALSE(parseListen(bad, host, port)) << bad;
    }
}
