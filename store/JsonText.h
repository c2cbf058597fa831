#pragma once
// JSON string escaping, the one copy rtmtap uses (the store writes headers as JSON, the CLI
// prints records). Output is always valid JSON: bytes that are not valid UTF-8 become U+FFFD.
#include <string>
#include <string_view>

namespace rtmtap {

// Appends text as a quoted JSON string.
void appendJsonString(std::string& out, std::string_view text);
std::string jsonString(std::string_view text);

}  // namespace rtmtap
