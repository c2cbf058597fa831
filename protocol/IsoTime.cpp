#include "IsoTime.h"

#include "TextCursor.h"

#include <cstdio>

// Written out instead of Poco::DateTimeParser, which the JSONL reader used: it skips any
// non-digit between fields and ignores what follows the format, so "x" read as year 0 and
// "2026-00-00" as 1 January. And instead of timegm/gmtime_r, so that parsing and formatting
// are pure integer arithmetic over the proleptic Gregorian calendar (Howard Hinnant's
// days_from_civil / civil_from_days).

namespace rtmtap {
namespace {

constexpr int64_t kUsPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

bool leapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysIn(int year, int month) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leapYear(year) ? 29 : kDays[month - 1];
}

int64_t daysFromCivil(int64_t year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t yearOfEra = year - era * 400;
    const int64_t dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146'097 + dayOfEra - 719'468;
}

struct Civil {
    int64_t year;
    int month;
    int day;
};

Civil civilFromDays(int64_t days) {
    days += 719'468;
    const int64_t era = (days >= 0 ? days : days - 146'096) / 146'097;
    const int64_t dayOfEra = days - era * 146'097;
    const int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
    const int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const int64_t shifted = (5 * dayOfYear + 2) / 153;  // months from March
    const int day = static_cast<int>(dayOfYear - (153 * shifted + 2) / 5 + 1);
    const int month = static_cast<int>(shifted < 10 ? shifted + 3 : shifted - 9);
    return {yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

// Floor division, so times before 1970 still split into a day and a positive time of day.
int64_t floorDiv(int64_t value, int64_t divisor) {
    const int64_t quotient = value / divisor;
    return value % divisor < 0 ? quotient - 1 : quotient;
}

std::string two(int value) {
    return (value < 10 ? "0" : "") + std::to_string(value);
}

class Parser {
public:
    explicit Parser(std::string_view text) : in_(text) {}
    IsoTimeParse run();

private:
    bool date() { return in_.fixed(4, year_) && in_.take('-') && in_.fixed(2, month_) && in_.take('-') && in_.fixed(2, day_); }
    bool time();
    bool zone(IsoTimeParse& out);
    bool checkCalendar(IsoTimeParse& out) const;

    TextCursor in_;
    int year_ = 0, month_ = 0, day_ = 0, hour_ = 0, minute_ = 0, second_ = 0;
    int64_t fractionUs_ = 0;
    int64_t offsetSeconds_ = 0;
};

IsoTimeParse syntaxError() {
    IsoTimeParse out;
    out.error = IsoTimeError::Syntax;
    out.reason = "expected an ISO 8601 time such as 2026-11-25T10:00:00Z";
    return out;
}

bool rangeError(IsoTimeParse& out, std::string reason) {
    out.error = IsoTimeError::OutOfRange;
    out.reason = std::move(reason);
    return false;
}

// HH:MM[:SS[.fraction]], after the separator.
bool Parser::time() {
    if (!in_.fixed(2, hour_) || !in_.take(':') || !in_.fixed(2, minute_)) {
        return false;
    }
    if (in_.take(':')) {
        if (!in_.fixed(2, second_)) {
            return false;
        }
        if (in_.takeAny(".,") && !in_.fraction(fractionUs_)) {
            return false;
        }
    }
    return true;
}

// "Z", "+01:00", "-0530" or "+01"; false with out set on a syntax or range error.
bool Parser::zone(IsoTimeParse& out) {
    if (in_.takeAny("Zz")) {
        return true;
    }
    const int sign = in_.take('+') ? 1 : in_.take('-') ? -1 : 0;
    int hours = 0;
    int minutes = 0;
    if (sign == 0 || !in_.fixed(2, hours)) {
        return false;
    }
    if (in_.take(':') ? !in_.fixed(2, minutes) : (TextCursor::isDigit(in_.peek()) && !in_.fixed(2, minutes))) {
        return false;
    }
    if (hours > 23 || minutes > 59) {
        return rangeError(out, "offset " + two(hours) + ":" + two(minutes) + " is out of range");
    }
    offsetSeconds_ = sign * (hours * 3600 + minutes * 60);
    return true;
}

bool Parser::checkCalendar(IsoTimeParse& out) const {
    if (month_ < 1 || month_ > 12) {
        return rangeError(out, "month " + std::to_string(month_) + " is out of range (01-12)");
    }
    if (day_ < 1 || day_ > daysIn(year_, month_)) {
        char yearMonth[16];
        std::snprintf(yearMonth, sizeof yearMonth, "%04d-%02d", year_, month_);
        return rangeError(out, "day " + std::to_string(day_) + " is not in " + yearMonth);
    }
    if (hour_ > 23) {
        return rangeError(out, "hour " + std::to_string(hour_) + " is out of range (00-23)");
    }
    if (minute_ > 59) {
        return rangeError(out, "minute " + std::to_string(minute_) + " is out of range (00-59)");
    }
    if (second_ > 59) {
        return rangeError(out, "second " + std::to_string(second_) + " is out of range (00-59)");
    }
    return true;
}

IsoTimeParse Parser::run() {
    IsoTimeParse out = syntaxError();
    if (!date()) {
        return out;
    }
    if (in_.takeAny("Tt ")) {
        if (!time() || (!in_.atEnd() && !zone(out))) {
            return out;
        }
    }
    if (!in_.atEnd()) {
        return syntaxError();
    }
    if (!checkCalendar(out)) {
        return out;
    }
    // Four-digit years keep every value far inside int64_t µs.
    const int64_t seconds = daysFromCivil(year_, month_, day_) * kSecondsPerDay + hour_ * 3600 + minute_ * 60 +
                            second_ - offsetSeconds_;
    out.error = IsoTimeError::None;
    out.reason.clear();
    out.us = seconds * kUsPerSecond + fractionUs_;
    return out;
}

}  // namespace

IsoTimeParse parseIsoTime(std::string_view text) {
    return Parser(text).run();
}

std::string formatIsoTime(int64_t us) {
    // Split with % rather than floorDiv: seconds * kUsPerSecond would overflow for INT64_MIN.
    int64_t seconds = us / kUsPerSecond;
    int64_t micros = us % kUsPerSecond;
    if (micros < 0) {
        micros += kUsPerSecond;
        --seconds;
    }
    const int64_t days = floorDiv(seconds, kSecondsPerDay);
    const int64_t secondOfDay = seconds - days * kSecondsPerDay;
    const Civil date = civilFromDays(days);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%06dZ", static_cast<long long>(date.year),
                  date.month, date.day, static_cast<int>(secondOfDay / 3600), static_cast<int>(secondOfDay / 60 % 60),
                  static_cast<int>(secondOfDay % 60), static_cast<int>(micros));
    return buf;
}

}  // namespace rtmtap
