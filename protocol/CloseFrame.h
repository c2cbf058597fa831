#pragma once
// A close frame's body (RFC 6455 5.5.1): empty, or a 2-byte status code in network order and
// then a UTF-8 reason. Made and read here once for the relay, the store, replay, lint and the CLI.
#include <cstdint>
#include <string>
#include <string_view>

namespace rtmtap {

// The code, then as much of the reason as fits in 125 bytes, cut on a UTF-8 character boundary
// (the reason must stay valid UTF-8); nothing at all for 1005, which RFC 6455 7.4.1 says is sent
// as no status code.
std::string closePayload(uint16_t code, const std::string& reason);

// The status code of a close body; none when it has fewer than 2 bytes (callers pass 1005, what
// RFC 6455 7.1.5 says the receiver reports, or their own "no code" marker).
int closeCodeOf(std::string_view payload, int none);

// The reason after the code; "" when there is none.
std::string_view closeReasonOf(std::string_view payload);

}  // namespace rtmtap
