#include "proxy/ConnectRewrite.h"
#include "proxy/EndpointRoutes.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(EndpointRoutes, RewriteNumbersOriginsAndKeepsPathAndQueryExactly) {
    EndpointRoutes routes;
    EXPECT_EQ(routes.rewrite("ws://rtm.example:9001/ws/?a=%20b", "ws://127.0.0.1:5"),
              "ws://127.0.0.1:5/_rtmtap/1/ws/?a=%20b");
    EXPECT_EQ(routes.rewrite("ws://rtm.example:9001", "ws://p:5"), "ws://p:5/_rtmtap/1/");
    EXPECT_EQ(routes.rewrite("wss://rtm.example:9001?x=1", "ws://p:5"), "ws://p:5/_rtmtap/2/?x=1");
    auto first = routes.find(1);
    ASSERT_TRUE(first);
    EXPECT_FALSE(first->tls);
    EXPECT_EQ(first->host, "rtm.example");
    EXPECT_EQ(first->port, 9001);
    EXPECT_TRUE(routes.find(2)->tls);
    EXPECT_FALSE(routes.find(0));
    EXPECT_FALSE(routes.find(3));
    for (const std::string bad : {"http://h:1/x", "ws://", "nonsense", "ws://h:1/x#frag", "ws://h:0"}) {
        EXPECT_FALSE(routes.rewrite(bad, "ws://p:5")) << bad;
    }
}

TEST(EndpointRoutes, SplitStripsThePrefix) {
    auto s = EndpointRoutes::split("/_rtmtap/12/ws?x=1");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->route, 12u);
    EXPECT_EQ(s->target, "/ws?x=1");
    EXPECT_EQ(EndpointRoutes::split("/_rtmtap/3")->target, "/");
    EXPECT_EQ(EndpointRoutes::split("/_rtmtap/3?q")->target, "/?q");
    for (const std::string other : {"/", "/ws", "/_rtmtap/", "/_rtmtap/x/ws", "/_rtmtap/3x", "/_rtmtap/99999999999/"}) {
        EXPECT_FALSE(EndpointRoutes::split(other)) << other;
    }
}

TEST(ConnectRewrite, OnlyRtmWsEndpointOfValidJsonIsRewritten) {
    EXPECT_TRUE(isRtmConnectPath("/api/v1/rtm.connect?x=1"));
    EXPECT_TRUE(isRtmConnectPath("rtm.connect"));
    EXPECT_FALSE(isRtmConnectPath("/api/v1/xrtm.connect"));
    EXPECT_FALSE(isRtmConnectPath("/api/v1/rtm.connect/x"));
    EndpointRoutes routes;
    const std::string body = "{\"rtm\": {\"ws_token\": \"t\", \"ws_endpoint\": \"ws:\\/\\/h:1\"}, \"ws_endpoint\": \"x\"}";
    auto r = rewriteRtmConnect(body, routes, "ws://p:2");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->endpoint, "ws://h:1");
    EXPECT_EQ(r->body, "{\"rtm\": {\"ws_token\": \"t\", \"ws_endpoint\": \"ws://p:2/_rtmtap/1/\"}, \"ws_endpoint\": \"x\"}");
    EXPECT_FALSE(rewriteRtmConnect("{\"rtm\": {\"ws_endpoint\": \"ws://h:1\"}", routes, "ws://p:2"));
    EXPECT_FALSE(rewriteRtmConnect("{\"rtm\": {\"ws_endpoint\": 5}}", routes, "ws://p:2"));
    EXPECT_FALSE(rewriteRtmConnect("{\"ws_endpoint\": \"ws://h:1\"}", routes, "ws://p:2"));
}

}  // namespace
}  // namespace rtmtap
