#include "HostName.h"

#include <arpa/inet.h>

namespace rtmtap {

bool isIpLiteral(const std::string& host) {
    unsigned char buf[16];
    return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

bool isValidHost(const std::string& host) {
    if (host.empty() || host.size() > 253) {
        return false;
    }
    if (host.find(':') != std::string::npos) {
        return isIpLiteral(host);
    }
    return host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
               std::string::npos &&
           host.front() != '.' && host.front() != '-' && host.find("..") == std::string::npos;
}

std::string urlHost(const std::string& host) {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

}  // namespace rtmtap
