// The time arguments (view/TimeArg: --since/--until) and protocol/IsoTime (those and the times in
// session files) on any text. Checks: parseTimeArg throws only std::invalid_argument, with one
// UTF-8 line free of control characters, exactly when timeArgError says why; a parsed ISO time
// formats back to a text that parses to the same microseconds; formatIsoTime of any int64 is one
// line without throwing.
#include "view/TimeArg.h"
#include "protocol/IsoTime.h"
#include "protocol/Utf8.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstring>
#include <stdexcept>
#include <string>

using namespace rtmtap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    constexpr int64_t kNow = 1'764'064'800'000'000;  // 2025-11-25T10:00:00Z
    bool parsed = true;
    try {
        (void)view::parseTimeArg(text, kNow);
    } catch (const std::invalid_argument& e) {
        parsed = false;
        FUZZ_CHECK(std::strlen(e.what()) > 0);
        // Printed to a terminal as it is: no control character, UTF-8 (view/TerminalText).
        const std::string what = e.what();
        FUZZ_CHECK(isValidUtf8(what));
        for (unsigned char c : what) {
            FUZZ_CHECK(c >= 0x20 && c != 0x7f);
        }
    }
    FUZZ_CHECK(parsed == view::timeArgError(text).empty());

    const IsoTimeParse iso = parseIsoTime(text);
    if (iso) {
        const std::string printed = formatIsoTime(iso.us);
        const IsoTimeParse back = parseIsoTime(printed);
        FUZZ_CHECK(back && back.us == iso.us);
        FUZZ_CHECK(parsed);  // every ISO time is a time argument
    } else {
        FUZZ_CHECK(!iso.reason.empty() && iso.reason.find('\n') == std::string::npos);
    }
    if (size >= 8) {
        int64_t us = 0;
        std::memcpy(&us, data, sizeof us);
        const std::string any = formatIsoTime(us);
        FUZZ_CHECK(!any.empty() && any.find('\n') == std::string::npos);
        const IsoTimeParse back = parseIsoTime(any);
        FUZZ_CHECK(!back || back.us == us);
    }
    return 0;
}
