#include "replay/EventPrinter.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <regex>

namespace rtmtap {
namespace {

Message frame(const std::string& payload, Opcode op = Opcode::Text, Direction dir = Direction::ServerToClient) {
    Message m;
    m.dir = dir;
    m.op = op;
    m.t_us = 1'234'567;
    m.wall_us = 1'700'000'000'123'000;
    m.payload = payload;
    m.size = payload.size();
    return m;
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(EventPrinterTest, LineShowsTimeNameIdsAndAPreview) {
    std::string line = EventPrinter::line(frame(
        R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":10004,"user_id":91010006,"channel_id":11010004}}})"));
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(^\d\d:\d\d:\d\d\.123 < chat\.postMessage )"))) << line;
    EXPECT_NE(line.find("channel=11010004 message=10004 user=91010006"), std::string::npos) << line;
    EXPECT_NE(line.find(R"({"meta":{"api":"v1"},"event":"chat.postMessage")"), std::string::npos) << line;
}

TEST(EventPrinterTest, LineIsOneShortLineWhateverThePayload) {
    std::string big = "{\n  \"event\": \"x\",\n  \"payload\": \"" + std::string(500, 'a') + "\"\n}";
    std::string line = EventPrinter::line(frame(big));
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_LT(line.size(), 160u);
    EXPECT_NE(line.find("{ \"event\": \"x\","), std::string::npos) << line;
    EXPECT_NE(EventPrinter::line(frame("hello\x1b[2J")).find("(not JSON) hello?[2J"), std::string::npos);
    EXPECT_NE(EventPrinter::line(frame(std::string("\x00\x01", 2), Opcode::Binary)).find("(binary, 2 bytes)"),
              std::string::npos);
    EXPECT_NE(EventPrinter::line(frame(std::string("\x03\xe8" "bye", 5), Opcode::Close)).find("< close 1000 bye"),
              std::string::npos);
    EXPECT_NE(EventPrinter::line(frame(R"({"command":"ws_ping"})", Opcode::Text, Direction::ClientToServer))
                  .find(" > ws_ping"),
              std::string::npos);
}

TEST(EventPrinterTest, JsonlEmbedsJsonFramesAndQuotesTheRest) {
    auto obj = parse(EventPrinter::jsonl(frame("{\"event\":\"a\",\n\"payload\":{\"s\":\"x\\ny\"}}")));
    EXPECT_EQ(obj->getValue<int64_t>("t_ms"), 1234);
    EXPECT_EQ(obj->getValue<std::string>("dir"), "s2c");
    EXPECT_EQ(obj->getValue<std::string>("op"), "text");
    EXPECT_EQ(obj->getObject("data")->getValue<std::string>("event"), "a");
    EXPECT_EQ(obj->getObject("data")->getObject("payload")->getValue<std::string>("s"), "x\ny");

    std::string text = EventPrinter::jsonl(frame("not json\n"));
    EXPECT_EQ(text.find('\n'), std::string::npos);
    EXPECT_EQ(parse(text)->getValue<std::string>("data"), "not json\n");

    auto bin = parse(EventPrinter::jsonl(frame(std::string("\x00\xff", 2), Opcode::Binary)));
    EXPECT_EQ(bin->getObject("data")->getValue<std::string>("base64"), "AP8=");

    auto close = parse(EventPrinter::jsonl(frame(std::string("\x03\xe9" "x", 3), Opcode::Close)));
    EXPECT_EQ(close->getObject("data")->getValue<int>("code"), 1001);
    EXPECT_EQ(close->getObject("data")->getValue<std::string>("reason"), "x");

    auto sent = parse(EventPrinter::jsonl(frame("{}", Opcode::Text, Direction::ClientToServer)));
    EXPECT_EQ(sent->getValue<std::string>("dir"), "c2s");
}

}  // namespace
}  // namespace rtmtap
