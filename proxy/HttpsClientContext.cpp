#include "HttpsClientContext.h"

#include "KeyLog.h"

#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <fstream>
#include <mutex>
#include <stdexcept>

namespace rtmtap {

Poco::Net::Context::Ptr httpsClientContext(const std::string& caFile, bool insecure) {
    if (!insecure && !caFile.empty() && !std::ifstream(caFile)) {
        throw std::invalid_argument("cannot read --ca file '" + caFile + "'");
    }
    Poco::Net::Context::Params params;
    params.verificationMode = insecure ? Poco::Net::Context::VERIFY_NONE : Poco::Net::Context::VERIFY_RELAXED;
    params.loadDefaultCAs = !insecure && caFile.empty();
    if (!insecure) {
        params.caLocation = caFile;
    }
    Poco::Net::Context::Ptr context;
    try {
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("cannot use --ca file '" + caFile + "': " + e.displayText());
    }
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    KeyLog::install(context->sslContext());
    // A certificate that fails verification must be an error, never a console prompt.
    static std::once_flag once;
    std::call_once(once, [&] {
        Poco::Net::SSLManager::instance().initializeClient(nullptr, new Poco::Net::RejectCertificateHandler(false),
                                                           context);
    });
    return context;
}

}  // namespace rtmtap
