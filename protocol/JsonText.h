#pragma once
// JSON string escaping, the one copy rtmtap uses: the store writes headers and records as JSON,
// the CLI prints them, and protocol/JsonStrings splices new string values into API bodies.
#include <cstdint>
#include <string>
#include <string_view>

namespace rtmtap {

// What becomes of a byte that is not part of valid UTF-8.
enum class InvalidUtf8 : uint8_t {
    // \ufffd, one for each such byte (as decoders do): the output is always valid JSON. For
    // everything rtmtap writes out as JSON.
    Replace,
    // The byte as it is: for a value spliced back into a text that was scanned without checking
    // UTF-8 (JsonScanOptions::checkUtf8 off), where the byte came from that same text, so the
    // text keeps the encoding its sender used.
    Keep,
};

// Appends text escaped as the content of a JSON string, without quotes: '"' and '\\' with a
// backslash, \b \f \n \r \t, other control characters and DEL as \u00XX; valid UTF-8 as it is.
void appendJsonContent(std::string& out, std::string_view text, InvalidUtf8 invalid);

// Appends text as a quoted JSON string, InvalidUtf8::Replace.
void appendJsonString(std::string& out, std::string_view text);
std::string jsonString(std::string_view text);

}  // namespace rtmtap
