#include "proxy/UpstreamUrl.h"

#include <gtest/gtest.h>

#include <stdexcept>

using rtmtap::UpstreamUrl;

TEST(UpstreamUrl, ParsesWsAndWss) {
    UpstreamUrl u = UpstreamUrl::parse("ws://rtm.example:9001");
    EXPECT_FALSE(u.tls);
    EXPECT_EQ(u.host, "rtm.example");
    EXPECT_EQ(u.port, 9001);
    EXPECT_EQ(u.basePath, "");
    UpstreamUrl s = UpstreamUrl::parse("wss://rtm.example/base/?k=v");
    EXPECT_TRUE(s.tls);
    EXPECT_EQ(s.port, 443);
    EXPECT_EQ(s.basePath, "/base");
    EXPECT_EQ(s.baseQuery, "k=v");
    EXPECT_EQ(UpstreamUrl::parse("ws://h").port, 80);
}

TEST(UpstreamUrl, RejectsWhatCannotBeAnUpstream) {
    for (const char* bad : {"ftp://x", "ws://", "not a url", "ws://host:99999", "http://h:1", "ws://h:0", "ws://h/#frag", ""}) {
        EXPECT_THROW(UpstreamUrl::parse(bad), std::invalid_argument) << bad;
    }
}

TEST(UpstreamUrl, JoinsTheClientTargetToTheBase) {
    UpstreamUrl root = UpstreamUrl::parse("ws://127.0.0.1:9001");
    EXPECT_EQ(root.targetFor("/"), "/");
    EXPECT_EQ(root.targetFor("/rtm?x=1"), "/rtm?x=1");
    UpstreamUrl base = UpstreamUrl::parse("ws://127.0.0.1:9001/base?token=a");
    EXPECT_EQ(base.targetFor("/rtm?x=1"), "/base/rtm?token=a&x=1");
    EXPECT_EQ(base.targetFor("/"), "/base?token=a");
    EXPECT_EQ(base.urlFor("/rtm"), "ws://127.0.0.1:9001/base/rtm?token=a");
}

TEST(UpstreamUrl, BracketsIpv6InTheHostHeader) {
    UpstreamUrl u = UpstreamUrl::parse("ws://[::1]:9001/");
    EXPECT_EQ(u.host, "::1");
    EXPECT_EQ(u.hostHeader(), "[::1]:9001");
}
