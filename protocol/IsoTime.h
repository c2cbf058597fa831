#pragma once
// ISO 8601 times to and from microseconds since the epoch (UTC): the one parser for --since and
// --until (cli/TimeArg) and for the times in session files (started_at, ended_at), and the one
// formatter for what rtmtap writes. Pure: no time zone database, no locale, no libc time calls.
#include <cstdint>
#include <string>
#include <string_view>

namespace rtmtap {

enum class IsoTimeError : uint8_t { None, Syntax, OutOfRange };

struct IsoTimeParse {
    IsoTimeError error = IsoTimeError::Syntax;
    int64_t us = 0;       // since the epoch, UTC; set when error is None
    std::string reason;   // when error is not None, one line: "month 13 is out of range (01-12)"
    explicit operator bool() const { return error == IsoTimeError::None; }
};

// The whole of text must be one of (UTC unless a zone is given):
//   2026-11-25T10:00:00Z     'T', 't' or a space between date and time; 'Z' or 'z'
//   2026-11-25T10:00:00.5Z   a fraction after '.' or ',', any number of digits; past µs cut off
//   2026-11-25T11:00:00+01:00   also +0100, +01, -05:30; offsets up to 23:59
//   2026-11-25T10:00:00      no zone: UTC
//   2026-11-25T10:00         no seconds
//   2026-11-25               midnight UTC
// Four-digit years (0000-9999), two-digit fields; a real calendar day (leap years), hours 00-23,
// minutes and seconds 00-59 (no leap second). Syntax errors come before range errors, an
// offset's range before the calendar's.
IsoTimeParse parseIsoTime(std::string_view text);

// "2026-11-25T14:03:07.123456Z": UTC, always microseconds. Any int64 µs (years past 9999 get
// more digits, years before 0000 a '-'); parseIsoTime reads back every result for 0000-9999.
std::string formatIsoTime(int64_t us);

}  // namespace rtmtap
