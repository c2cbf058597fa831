#pragma once
// Strict RFC 4648 base64 decoding for files people edit (rtmtap import): the standard alphabet,
// padding required, no whitespace, no bits set past the data. The encoder is base64() in JsonOut.h.
#include <string>
#include <string_view>

namespace rtmtap::cli {

// false (out unspecified) when text is not canonical base64.
bool decodeBase64(std::string_view text, std::string& out);

}  // namespace rtmtap::cli
