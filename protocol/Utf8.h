#pragma once
// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF), nothing
// above U+10FFFF. WebSocket text frames must be valid UTF-8 (RFC 6455 8.1); rtmtap relays them
// anyway and flags the record, so this only reports.
#include <cstddef>
#include <string_view>

namespace rtmtap {

bool isValidUtf8(std::string_view text);

// Length (2..4) of the valid multi-byte sequence that starts at text[pos], 0 when the bytes there
// are not one (an ASCII byte also gives 0). For scanners that handle ASCII themselves.
size_t utf8SequenceLength(std::string_view text, size_t pos);

}  // namespace rtmtap
