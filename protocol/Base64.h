#pragma once
// Base64 (RFC 4648), the one copy in rtmtap. Two forms, each with the strictness its readers need:
// - Standard (section 4, "+/"): what rtmtap writes for binary payloads and reads back from files
//   people edit (rtmtap import). Encoded with padding; decoding is strict: padding required, no
//   whitespace or other characters, no bits set past the data (canonical form only).
// - Url (section 5, "-_"): JWT parts (RFC 7515). Encoded without padding; decoding accepts the
//   text padded or not (padded: whole quads, at most two '='), does not check the unused bits.
// Decoding never throws; bad text gives nullopt.
#include <optional>
#include <string>
#include <string_view>

namespace rtmtap {

enum class Base64Alphabet { Standard, Url };

std::string encodeBase64(std::string_view bytes, Base64Alphabet alphabet = Base64Alphabet::Standard);

std::optional<std::string> decodeBase64(std::string_view text, Base64Alphabet alphabet = Base64Alphabet::Standard);

// True when c is one of the 64 digits of alphabet ('=' is not).
bool isBase64Digit(char c, Base64Alphabet alphabet);

}  // namespace rtmtap
