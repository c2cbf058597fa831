// A frame filter as a match object and back: every query filter survives the trip, and what a
// match cannot say, or says wrong, is one line naming the field.
#include "rules/MatchJson.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(MatchJson, EveryFilterSurvivesTheRoundTrip) {
    FrameFilter f;
    f.sessions = {3, 4};
    f.dirs = {Direction::ServerToClient};
    f.ops = {Opcode::Text, Opcode::Binary};
    f.kinds = {Kind::Event};
    f.events = {"chat.*"};
    f.commands = {"ws_[a-z]*"};
    f.channels = {11};
    f.messages = {12};
    f.users = {13};
    f.words = {"hello", "a\"b"};
    f.wheres = {parseWhere("payload.seq=3"), parseWhere("a.b=\"5\""), parseWhere("c=1.25"), parseWhere("d=null"),
                parseWhere("e=true"), parseWhere("f=x y")};
    f.malformed = f.edited = f.injected = true;
    const std::string json = matchJson(f);
    FrameFilter back = parseMatchJson(json);
    EXPECT_EQ(matchJson(back), json);
    EXPECT_EQ(back.sessions, f.sessions);
    EXPECT_EQ(back.dirs, f.dirs);
    EXPECT_EQ(back.ops, f.ops);
    EXPECT_EQ(back.kinds, f.kinds);
    EXPECT_EQ(back.events, f.events);
    EXPECT_EQ(back.commands, f.commands);
    EXPECT_EQ(back.words, f.words);
    ASSERT_EQ(back.wheres.size(), f.wheres.size());
    for (size_t i = 0; i < f.wheres.size(); ++i) {
        EXPECT_EQ(back.wheres[i].path, f.wheres[i].path) << i;
        EXPECT_EQ(back.wheres[i].type, f.wheres[i].type) << i;
        EXPECT_EQ(back.wheres[i].value, f.wheres[i].value) << i;
    }
    EXPECT_TRUE(back.malformed && back.edited && back.injected);
}

TEST(MatchJson, AnEmptyFilterIsAnEmptyObject) {
    EXPECT_EQ(matchJson(FrameFilter{}), "{}");
    EXPECT_TRUE(parseMatchJson("{}").empty());
    EXPECT_EQ(matchJson(parseMatchJson(R"({"dir":"c2s","event":"chat.*"})")), R"({"dir":["c2s"],"event":["chat.*"]})");
}

std::string error(const std::string& json) {
    try {
        parseMatchJson(json);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "<accepted>";
}

TEST(MatchJson, WhatAMatchCannotSayIsRefused) {
    FrameFilter since;
    since.sinceUs = 1;
    EXPECT_THROW(matchJson(since), std::invalid_argument);
    EXPECT_EQ(error(R"({"nth":2})"), "match.nth: only a rule counts matches");
    EXPECT_EQ(error(R"({"every":2})"), "match.every: only a rule counts matches");
    EXPECT_EQ(error(R"({"dir":"up"})"), "match.dir: must be \"c2s\" or \"s2c\"");
    EXPECT_EQ(error(R"({"colour":"red"})").rfind("match.colour: unknown key", 0), 0u);
    EXPECT_EQ(error("[1]"), "match: must be an object");
    EXPECT_EQ(error("{"), "match: not valid JSON");
}

}  // namespace
}  // namespace rtmtap
