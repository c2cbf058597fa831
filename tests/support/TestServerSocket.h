#pragma once
// The listening socket of a test server on 127.0.0.1 (port 0): plain, or TLS with a PEM
// certificate and key (Poco::Net::SecureServerSocket) when both are given.
#include <Poco/Net/ServerSocket.h>

#include <memory>
#include <string>

namespace rtmtap::test {

std::unique_ptr<Poco::Net::ServerSocket> testServerSocket(const std::string& tlsCert = "",
                                                          const std::string& tlsKey = "");

}  // namespace rtmtap::test
