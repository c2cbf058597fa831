// --since/--until arguments: every accepted form against a fixed now, and every rejection with a
// one-line reason that names the text given.
#include "view/TimeArg.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace rtmtap {
namespace {

constexpr int64_t kS = 1'000'000;
constexpr int64_t kNow = 1'795'600'800 * kS + 123'456;  // 2026-11-25T10:00:00.123456Z
constexpr int64_t kTen = 1'795'600'800 * kS;             // 2026-11-25T10:00:00Z

int64_t parse(const std::string& text) {
    return view::parseTimeArg(text, kNow);
}

// The reason parseTimeArg gives for text, "" when it accepted it.
std::string reason(const std::string& text) {
    try {
        view::parseTimeArg(text, kNow);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

TEST(TimeArgTest, SpansCountBackFromNow) {
    EXPECT_EQ(parse("10m"), kNow - 600 * kS);
    EXPECT_EQ(parse("90s"), kNow - 90 * kS);
    EXPECT_EQ(parse("1h30m"), kNow - 5400 * kS);
    EXPECT_EQ(parse("2d"), kNow - 2 * 86'400 * kS);
    EXPECT_EQ(parse("500ms"), kNow - 500'000);
    EXPECT_EQ(parse("1m500ms"), kNow - 60 * kS - 500'000);  // "ms" is not minutes then seconds
    EXPECT_EQ(parse("1d1h1m1s1ms"), kNow - (90'061 * kS + 1000));
    EXPECT_EQ(parse("0s"), kNow);
    EXPECT_EQ(parse("1h1h"), kNow - 7200 * kS);  // summed
}

TEST(TimeArgTest, IsoTimesAreUtcUnlessAnOffsetIsGiven) {
    EXPECT_EQ(parse("2026-11-25T10:00:00Z"), kTen);
    EXPECT_EQ(parse("2026-11-25T10:00:00z"), kTen);
    EXPECT_EQ(parse("2026-11-25t10:00:00Z"), kTen);
    EXPECT_EQ(parse("2026-11-25 10:00:00"), kTen);
    EXPECT_EQ(parse("2026-11-25T10:00:00"), kTen);
    EXPECT_EQ(parse("2026-11-25T10:00"), kTen);
    EXPECT_EQ(parse("2026-11-25T10:00Z"), kTen);
    EXPECT_EQ(parse("2026-11-25"), kTen - 10 * 3600 * kS);  // midnight UTC
    EXPECT_EQ(parse("2024-02-29"), 1'709'164'800 * kS);     // a leap day
    EXPECT_EQ(parse("1999-12-31T23:59:59Z"), 946'684'799 * kS);
}

TEST(TimeArgTest, OffsetsMoveTheTimeToUtc) {
    EXPECT_EQ(parse("2026-11-25T11:00:00+01:00"), kTen);
    EXPECT_EQ(parse("2026-11-25T11:00:00+0100"), kTen);
    EXPECT_EQ(parse("2026-11-25T11:00:00+01"), kTen);
    EXPECT_EQ(parse("2026-11-25T04:30:00-05:30"), kTen);
    EXPECT_EQ(parse("2026-11-25T04:30:00-0530"), kTen);
    EXPECT_EQ(parse("2026-11-25T10:00:00+00:00"), kTen);
    EXPECT_EQ(parse("2026-11-25T10:00:00-00:00"), kTen);
    EXPECT_EQ(parse("2026-11-25T11:00+01:00"), kTen);
    EXPECT_EQ(parse("2026-11-25T00:30:00+01:00"), kTen - 10 * 3600 * kS - 1800 * kS);  // the day before in UTC
}

TEST(TimeArgTest, FractionsKeepMicroseconds) {
    EXPECT_EQ(parse("2026-11-25T10:00:00.123456Z"), kTen + 123'456);
    EXPECT_EQ(parse("2026-11-25T10:00:00.5Z"), kTen + 500'000);
    EXPECT_EQ(parse("2026-11-25T10:00:00,25Z"), kTen + 250'000);
    EXPECT_EQ(parse("2026-11-25T10:00:00.000001"), kTen + 1);
    EXPECT_EQ(parse("2026-11-25T10:00:00.123456789Z"), kTen + 123'456);  // nanoseconds are cut
    EXPECT_EQ(parse("2026-11-25T11:00:00.75+01:00"), kTen + 750'000);
}

TEST(TimeArgTest, EpochSeconds) {
    EXPECT_EQ(parse("@1795600800"), kTen);
    EXPECT_EQ(parse("@1795600800.25"), kTen + 250'000);
    EXPECT_EQ(parse("@0"), 0);
}

TEST(TimeArgTest, ErrorsNameTheTextAndWhatWasExpected) {
    EXPECT_EQ(reason("10x"),
              "invalid time '10x': expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m");
    EXPECT_EQ(reason(""), "invalid time '': expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m");
    EXPECT_EQ(reason("10"), "invalid time '10': expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m");
    EXPECT_EQ(reason("2026-13-01"), "invalid time '2026-13-01': month 13 is out of range (01-12)");
    EXPECT_EQ(reason("2026-02-30"), "invalid time '2026-02-30': day 30 is not in 2026-02");
    EXPECT_EQ(reason("2026-11-25T25:00:00Z"), "invalid time '2026-11-25T25:00:00Z': hour 25 is out of range (00-23)");
    EXPECT_EQ(reason("bad\nline"),
              "invalid time 'bad\\nline': expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m");
    EXPECT_EQ(reason("\x1b[31m\xc2\x9b"),
              "invalid time '\\x1b[31m\\xc2\\x9b': expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m");
}

TEST(TimeArgTest, RejectsEverythingElse) {
    for (const char* text :
         {"", " ", "10", "10x", "m", "10 m", "-10m", "+10m", "1.5h", "10mm", "10m ", " 10m", "now", "yesterday",
          "2026-13-01", "2026-00-10", "2026-02-30", "2025-02-29", "2026-04-31", "2026-11-00", "2026-11-25T25:00:00Z",
          "2026-11-25T24:00:00Z", "2026-11-25T10:60:00Z", "2026-11-25T10:00:60Z", "2026-11-25T10:00:00Zjunk",
          "2026-11-25T10:00:00+01:00junk", "2026-11-25junk", "2026-11-25T", "2026-11-25T10", "2026-11-25T10:0",
          "2026-11-25T10:00:0", "2026-11-25T10:00:00.", "2026-11-25T10:00:00+1", "2026-11-25T10:00:00+24:00",
          "2026-11-25T10:00:00+01:60", "2026-11-25T10:00:00+01:0", "2026-11-25Z", "26-11-25", "2026-1-25",
          "2026/11/25", "20261125", "@", "@x", "@-1", "@1.", "@1e9", "@12 ", "1h\n"}) {
        EXPECT_FALSE(reason(text).empty()) << "accepted: '" << text << "'";
        EXPECT_EQ(reason(text).rfind(std::string("invalid time '"), 0), 0u) << reason(text);
    }
}

TEST(TimeArgTest, HugeNumbersDoNotOverflow) {
    for (const char* text : {"99999999999999999999m", "9223372036854775807ms", "106751992d", "9999999999999d",
                             "@99999999999999999999", "@9223372036855", "@9223372036854775807",
                             "99999999999999999999999999999999999999s"}) {
        std::string why = reason(text);
        EXPECT_FALSE(why.empty()) << "accepted: " << text;
        EXPECT_NE(why.find(std::string("'") + text + "'"), std::string::npos) << why;
    }
    EXPECT_EQ(parse("106751991d"), kNow - int64_t{106'751'991} * 86'400 * kS);  // the largest whole-day span that fits
    EXPECT_EQ(parse("@9223372036854"), 9'223'372'036'854 * kS);
}

TEST(TimeArgTest, TimeArgErrorIsEmptyForGoodText) {
    EXPECT_EQ(view::timeArgError("10m"), "");
    EXPECT_EQ(view::timeArgError("2026-11-25T10:00:00Z"), "");
    EXPECT_EQ(view::timeArgError("@1795600800.5"), "");
    EXPECT_EQ(view::timeArgError("10x"),
              "invalid time '10x': expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m");
    EXPECT_NE(view::timeArgError("2026-02-30").find("day 30"), std::string::npos);
}

}  // namespace
}  // namespace rtmtap
