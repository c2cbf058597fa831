#include "TimeArg.h"

#include "protocol/IsoTime.h"
#include "protocol/TextCursor.h"
#include "view/TerminalText.h"

#include <chrono>
#include <limits>
#include <stdexcept>

namespace rtmtap::view {
namespace {

constexpr const char* kExpected =
    "expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m";
constexpr int64_t kUsPerSecond = 1'000'000;

// The text as given, escaped so that the error stays one line a terminal shows as it is.
std::string quoted(const std::string& text) {
    return "'" + terminalLine(text, 200) + "'";
}

[[noreturn]] void fail(const std::string& text, const std::string& reason = kExpected) {
    throw std::invalid_argument("invalid time " + quoted(text) + ": " + reason);
}

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
    TextCursor in(text);
    in.take('@');
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
int64_t takeUnit(TextCursor& in) {
    if (in.take("ms")) {
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
    TextCursor in(text);
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
    TextCursor in(text);
    int year = 0;
    if (in.fixed(4, year) && in.take('-')) {
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

int64_t nowWallUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

CLI::Option* addTimeOption(CLI::App& app, const std::string& name, std::optional<int64_t>& target,
                           const std::string& help) {
    return app
        .add_option_function<std::string>(
            name,
            [&target, name](const std::string& text) {
                try {
                    target = parseTimeArg(text, nowWallUs());
                } catch (const std::invalid_argument& e) {
                    throw CLI::ValidationError(name, e.what());
                }
            },
            help)
        ->type_name("T");
}

}  // namespace rtmtap::view
