#pragma once
// Host names and addresses as the proxy checks and prints them: one place for what a host may
// be (it goes to connect(2), into certificates and into the records) and for the brackets an
// IPv6 address takes in a URL or an authority.
#include <string>

namespace rtmtap {

// An IPv4 or IPv6 literal, without brackets.
bool isIpLiteral(const std::string& host);
// A host name (letters, digits, '-', '_', '.'; no leading '.' or '-', no empty label, at most 253)
// or an IP literal without brackets.
bool isValidHost(const std::string& host);
// host as it stands in a URL or authority: "[::1]" for IPv6, else unchanged.
std::string urlHost(const std::string& host);

}  // namespace rtmtap
