#pragma once
// Compares two secrets (a JWT signature, rtmtap ui's token) in time that does not depend on
// where they differ, so the comparison leaks nothing about the right value.
#include <string_view>

namespace rtmtap {

bool sameSecret(std::string_view a, std::string_view b);

}  // namespace rtmtap
