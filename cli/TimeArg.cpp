#include "TimeArg.h"

#include "protocol/IsoTime.h"

#include <chrono>
#include <limits>
#include <stdexcept>

namespace rtmtap::cli {
namespace {

constexpr const char* kExpected =
    "expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m";
constexpr int64_t kUsPerSecond = 1'000'000;

// The text as given, with control characters shown as '?' so the error stays one line.
std::string quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    }
    return out + "'";
}

[[noreturn]] void fail(const std::string& text, const std::string& reason = kExpected) {
    throw std::invalid_argument("invalid time " + quoted(text) + ": " + reason);
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// A left-to-right reader over the argument; every method leaves pos_ unchanged when it fails.
class Cursor {
public:
    explicit Cursor(const std::string& text) : text_(text) {}

    bool atEnd() const { return pos_ == text_.size(); }
    char peek() const { return atEnd() ? '\0' : text_[pos_]; }
    bool take(char c) {
        if (peek() != c) {
            return false;
        }
        ++pos_;
        return true;
    }
    // One or more digits; overflowed is set when they do not fit in int64_t.
    bool number(int64_t& value, bool& overflowed) {
        size_t start = pos_;
        int64_t v = 0;
        overflowed = false;
        while (isDigit(peek())) {
            int digit = text_[pos_++] - '0';
            if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, digit, &v)) {
                overflowed = true;
            }
        }
        value = v;
        return pos_ > start;
    }
    // The digits of a fraction (after the dot) as µs: the first six count, the rest are cut.
    bool fraction(int64_t& us) {
        size_t start = pos_;
        int64_t v = 0;
        int64_t scale = 100'000;
        while (isDigit(peek())) {
            v += (text_[pos_++] - '0') * scale;
            scale /= 10;
        }
        us = v;
        return pos_ > start;
    }
    bool startsWith(const char* prefix) const { return text_.compare(pos_, std::char_traits<char>::length(prefix), prefix) == 0; }
    void skip(size_t n) { pos_ += n; }

private:
    const std::string& text_;
    size_t pos_ = 0;
};

// The ISO forms are protocol/IsoTime's; its range errors ("month 13 is out of range") are kept.
int64_t parseIso(const std::string& text) {
    const IsoTimeParse iso = parseIsoTime(text);
    if (iso.error == IsoTimeError::Syntax) {
        fail(text);
    }
    if (iso.error == IsoTimeError::OutOfRange) {
        fail(text, iso.reason);
    }
    return iso.us;
}

// "@SECONDS" or "@SECONDS.FRACTION" since the epoch.
int64_t parseEpoch(const std::string& text) {
    Cursor in(text);
    in.skip(1);
    int64_t seconds = 0;
    bool overflowed = false;
    int64_t fractionUs = 0;
    if (!in.number(seconds, overflowed) || (in.take('.') && !in.fraction(fractionUs)) || !in.atEnd()) {
        fail(text, "expected seconds since the epoch, such as @1764064800 or @1764064800.25");
    }
    int64_t us = 0;
    if (overflowed || __builtin_mul_overflow(seconds, kUsPerSecond, &us) || __builtin_add_overflow(us, fractionUs, &us)) {
        fail(text, "out of range");
    }
    return us;
}

// A unit after a span's number, as µs per unit; 0 when none is there.
int64_t takeUnit(Cursor& in) {
    if (in.startsWith("ms")) {
        in.skip(2);
        return 1000;
    }
    struct Unit {
        char name;
        int64_t us;
    };
    static const Unit kUnits[] = {{'s', kUsPerSecond}, {'m', 60 * kUsPerSecond}, {'h', 3600 * kUsPerSecond},
                                  {'d', 86'400 * kUsPerSecond}};
    for (const Unit& unit : kUnits) {
        if (in.take(unit.name)) {
            return unit.us;
        }
    }
    return 0;
}

// "10m", "1h30m", "500ms": numbers each followed by a unit, summed, back from now.
int64_t parseSpan(const std::string& text, int64_t nowWallUs) {
    Cursor in(text);
    int64_t total = 0;
    bool tooLarge = false;
    do {
        int64_t count = 0;
        bool overflowed = false;
        if (!in.number(count, overflowed)) {
            fail(text);
        }
        int64_t unitUs = takeUnit(in);
        if (unitUs == 0) {
            fail(text);
        }
        int64_t part = 0;
        tooLarge = tooLarge || overflowed || __builtin_mul_overflow(count, unitUs, &part) ||
                   __builtin_add_overflow(total, part, &total);
    } while (!in.atEnd());
    int64_t result = 0;
    if (tooLarge || __builtin_sub_overflow(nowWallUs, total, &result)) {
        fail(text, "the span is too long");
    }
    return result;
}

int64_t nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

int64_t parseTimeArg(const std::string& text, int64_t nowWallUs) {
    if (text.empty()) {
        fail(text);
    }
    if (text.front() == '@') {
        return parseEpoch(text);
    }
    // Four digits and a dash can only be a date; anything else is read as a span.
    if (text.size() >= 5 && isDigit(text[0]) && isDigit(text[1]) && isDigit(text[2]) && isDigit(text[3]) &&
        text[4] == '-') {
        return parseIso(text);
    }
    return parseSpan(text, nowWallUs);
}

std::string timeArgError(const std::string& text) {
    try {
        parseTimeArg(text, nowUs());
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return {};
}

}  // namespace rtmtap::cli
