#pragma once
// Output helpers shared by the read commands and the file formats (JsonlFormat, HarFormat):
// base64, times, flag names. JSON string escaping
// lives in protocol/JsonText.h (the store needs it too); there is one copy of each.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

// RFC 4648 with padding: encodeBase64(bytes, Standard) from protocol/Base64.h, kept under this
// name for the read commands that call it.
std::string base64(std::string_view bytes);
// "2026-11-25T14:03:07.123456Z": UTC with microseconds (formatIsoTime of protocol/IsoTime.h).
std::string isoUtc(int64_t wallUs);
// "2026-11-25 15:03:07": the local time, for people.
std::string localTime(int64_t wallUs);
// Names of the MessageFlag bits set in flags, lowest bit first ("fragmented", "redacted", ...);
// an unknown bit appears as "bit<N>".
std::vector<std::string> flagNames(uint32_t flags);

}  // namespace rtmtap
