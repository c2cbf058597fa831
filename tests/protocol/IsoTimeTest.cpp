// parseIsoTime and formatIsoTime: every accepted form, every kind of rejection with its reason,
// the calendar's corners, and the round trip of what rtmtap writes.
#include "protocol/IsoTime.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>

namespace rtmtap {
namespace {

constexpr int64_t kS = 1'000'000;
constexpr int64_t kTen = 1'795'600'800 * kS;  // 2026-11-25T10:00:00Z

int64_t us(const std::string& text) {
    const IsoTimeParse got = parseIsoTime(text);
    EXPECT_TRUE(got) << text << ": " << got.reason;
    EXPECT_EQ(got.reason, "") << text;
    return got.us;
}

IsoTimeError error(const std::string& text) {
    return parseIsoTime(text).error;
}

std::string reason(const std::string& text) {
    return parseIsoTime(text).reason;
}

TEST(IsoTimeTest, UtcForms) {
    EXPECT_EQ(us("2026-11-25T10:00:00Z"), kTen);
    EXPECT_EQ(us("2026-11-25t10:00:00z"), kTen);
    EXPECT_EQ(us("2026-11-25 10:00:00"), kTen);
    EXPECT_EQ(us("2026-11-25T10:00:00"), kTen);  // no zone: UTC
    EXPECT_EQ(us("2026-11-25T10:00"), kTen);
    EXPECT_EQ(us("2026-11-25T10:00Z"), kTen);
    EXPECT_EQ(us("2026-11-25"), kTen - 10 * 3600 * kS);
    EXPECT_EQ(us("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(us("1969-12-31T23:59:59.5Z"), -500'000);
    EXPECT_EQ(us("1999-12-31T23:59:59Z"), 946'684'799 * kS);
}

TEST(IsoTimeTest, Fractions) {
    EXPECT_EQ(us("2026-11-25T10:00:00.123456Z"), kTen + 123'456);
    EXPECT_EQ(us("2026-11-25T10:00:00.5Z"), kTen + 500'000);
    EXPECT_EQ(us("2026-11-25T10:00:00,25"), kTen + 250'000);
    EXPECT_EQ(us("2026-11-25T10:00:00.000001Z"), kTen + 1);
    EXPECT_EQ(us("2026-11-25T10:00:00.123456789Z"), kTen + 123'456);  // past µs: cut, not rounded
    EXPECT_EQ(us("2026-11-25T10:00:00." + std::string(400, '9') + "Z"), kTen + 999'999);
}

TEST(IsoTimeTest, Offsets) {
    EXPECT_EQ(us("2026-11-25T11:00:00+01:00"), kTen);
    EXPECT_EQ(us("2026-11-25T11:00:00+0100"), kTen);
    EXPECT_EQ(us("2026-11-25T11:00:00+01"), kTen);
    EXPECT_EQ(us("2026-11-25T04:30:00-05:30"), kTen);
    EXPECT_EQ(us("2026-11-25T04:30:00.25-0530"), kTen + 250'000);
    EXPECT_EQ(us("2026-11-25T10:00:00-00:00"), kTen);
    EXPECT_EQ(us("2026-11-25T11:00+01:00"), kTen);
    EXPECT_EQ(us("2026-11-26T09:59:00+23:59"), kTen);  // the largest offset, across a day
    EXPECT_EQ(us("2026-11-24T10:01:00-23:59"), kTen);
    EXPECT_EQ(us("2027-01-01T00:30:00+01:00"), 1'798'759'800 * kS);  // the year before in UTC
}

TEST(IsoTimeTest, Calendar) {
    EXPECT_EQ(us("2024-02-29"), 1'709'164'800 * kS);                 // divisible by 4
    EXPECT_EQ(us("2000-02-29"), 951'782'400 * kS);                   // by 400
    EXPECT_EQ(error("1900-02-29"), IsoTimeError::OutOfRange);        // by 100 only
    EXPECT_EQ(error("2025-02-29"), IsoTimeError::OutOfRange);
    EXPECT_EQ(us("2026-12-31T23:59:59Z"), 1'798'761'599 * kS);
    EXPECT_EQ(us("0000-01-01T00:00:00Z"), -62'167'219'200 * kS);     // year 0 is a leap year
    EXPECT_EQ(us("0000-02-29"), -62'162'121'600 * kS);
    EXPECT_EQ(us("9999-12-31T23:59:59.999999Z"), 253'402'300'799'999'999);
    for (const char* day : {"2026-01-31", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31",
                            "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31"}) {
        EXPECT_TRUE(parseIsoTime(day)) << day;
    }
    for (const char* day : {"2026-01-32", "2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31", "2026-12-32"}) {
        EXPECT_EQ(error(day), IsoTimeError::OutOfRange) << day;
    }
}

TEST(IsoTimeTest, RangeErrorsSayWhichField) {
    EXPECT_EQ(reason("2026-13-01"), "month 13 is out of range (01-12)");
    EXPECT_EQ(reason("2026-00-10"), "month 0 is out of range (01-12)");
    EXPECT_EQ(reason("2026-02-30"), "day 30 is not in 2026-02");
    EXPECT_EQ(reason("0999-02-29"), "day 29 is not in 0999-02");
    EXPECT_EQ(reason("2026-11-00"), "day 0 is not in 2026-11");
    EXPECT_EQ(reason("2026-11-25T25:00:00Z"), "hour 25 is out of range (00-23)");
    EXPECT_EQ(reason("2026-11-25T24:00:00Z"), "hour 24 is out of range (00-23)");
    EXPECT_EQ(reason("2026-11-25T10:60"), "minute 60 is out of range (00-59)");
    EXPECT_EQ(reason("2026-11-25T23:59:60Z"), "second 60 is out of range (00-59)");  // no leap seconds
    EXPECT_EQ(reason("2026-11-25T10:00:00+24:00"), "offset 24:00 is out of range");
    EXPECT_EQ(reason("2026-11-25T10:00:00-01:60"), "offset 01:60 is out of range");
    // The offset is read, and checked, before the calendar.
    EXPECT_EQ(reason("2026-13-01T10:00:00+24:00"), "offset 24:00 is out of range");
    for (const char* text : {"2026-13-01", "2026-02-30", "2026-11-25T25:00:00Z", "2026-11-25T10:00:00+24:00"}) {
        const IsoTimeParse got = parseIsoTime(text);
        EXPECT_FALSE(got) << text;
        EXPECT_EQ(got.error, IsoTimeError::OutOfRange) << text;
    }
}

TEST(IsoTimeTest, SyntaxErrors) {
    for (const char* text :
         {"", " ", "x", "2026", "2026-11", "2026-11-25junk", "2026-11-25T", "2026-11-25T10", "2026-11-25T10:0",
          "2026-11-25T10:00:0", "2026-11-25T10:00:00.", "2026-11-25T10:00:00.Z", "2026-11-25T10:00:00Zjunk",
          "2026-11-25T10:00:00Z ", " 2026-11-25T10:00:00Z", "2026-11-25T10:00:00+01:00junk", "2026-11-25T10:00:00+1",
          "2026-11-25T10:00:00+01:0", "2026-11-25T10:00:00+010", "2026-11-25T10:00:00 +01:00",
          "2026-11-25T10:00:00GMT", "2026-11-25T10:00:00UTC", "2026-11-25Z", "2026-11-25 ", "26-11-25", "2026-1-25",
          "2026-11-5", "2026-11-25T1:02:03Z", "2026/11/25", "20261125", "20261125T100000Z", "12026-11-25",
          "-2026-11-25", "+2026-11-25", "2026-11-25T10:00:00.5.5Z", "2026-11-25T10:00:00Z+01:00",
          "2026-11-25\n10:00:00", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96"}) {
        const IsoTimeParse got = parseIsoTime(text);
        EXPECT_FALSE(got) << text;
        EXPECT_EQ(got.error, IsoTimeError::Syntax) << text;
        EXPECT_EQ(got.reason, "expected an ISO 8601 time such as 2026-11-25T10:00:00Z") << text;
    }
    // A view ends where it ends, even inside a longer buffer.
    const std::string buffer = "2026-11-25T10:00:00Zjunk";
    EXPECT_EQ(parseIsoTime(std::string_view(buffer).substr(0, 20)).us, kTen);
    EXPECT_FALSE(parseIsoTime(std::string_view(buffer).substr(0, 18)));
    EXPECT_FALSE(parseIsoTime(std::string("2026-11-25T10:00:00Z\0", 21)));
}

TEST(IsoTimeTest, FormatIsUtcWithMicroseconds) {
    EXPECT_EQ(formatIsoTime(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(formatIsoTime(kTen + 123'456), "2026-11-25T10:00:00.123456Z");
    EXPECT_EQ(formatIsoTime(-1), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(formatIsoTime(951'782'400 * kS), "2000-02-29T00:00:00.000000Z");
    EXPECT_EQ(formatIsoTime(-62'167'219'200 * kS), "0000-01-01T00:00:00.000000Z");
    EXPECT_EQ(formatIsoTime(253'402'300'799'999'999), "9999-12-31T23:59:59.999999Z");
    // Beyond 0000-9999, as gmtime_r printed them before (no crash, no overflow at the ends).
    EXPECT_EQ(formatIsoTime(-62'167'219'200 * kS - 1), "-001-12-31T23:59:59.999999Z");
    EXPECT_EQ(formatIsoTime(253'402'300'800 * kS), "10000-01-01T00:00:00.000000Z");
    EXPECT_EQ(formatIsoTime(INT64_MIN), "-290308-12-21T19:59:05.224192Z");
    EXPECT_EQ(formatIsoTime(INT64_MAX), "294247-01-10T04:00:54.775807Z");
}

TEST(IsoTimeTest, WhatIsWrittenReadsBack) {
    // A step that is prime in µs and in days walks across months, leap days and centuries.
    const int64_t step = 86'400 * kS * 37 + 3'600 * kS * 5 + 61 * kS + 123'457;
    for (int64_t t = -62'167'219'200 * kS; t < 253'402'300'800 * kS; t += step) {
        const std::string text = formatIsoTime(t);
        const IsoTimeParse back = parseIsoTime(text);
        ASSERT_TRUE(back) << text;
        ASSERT_EQ(back.us, t) << text;
    }
}

}  // namespace
}  // namespace rtmtap
