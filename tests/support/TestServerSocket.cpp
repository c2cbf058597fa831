#include "TestServerSocket.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace rtmtap::test {

std::unique_ptr<Poco::Net::ServerSocket> testServerSocket(const std::string& tlsCert, const std::string& tlsKey) {
    Poco::Net::SocketAddress address("127.0.0.1", 0);
    if (tlsCert.empty()) {
        return std::make_unique<Poco::Net::ServerSocket>(address, 64);
    }
    Poco::Net::Context::Params params;
    params.certificateFile = tlsCert;
    params.privateKeyFile = tlsKey;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    return std::make_unique<Poco::Net::SecureServerSocket>(address, 64, context);
}

}  // namespace rtmtap::test
