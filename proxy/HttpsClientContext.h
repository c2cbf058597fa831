#pragma once
// The TLS client context for POCO's HTTPS sessions (the API proxy's upstream, the scripted
// client): verification against the system's CAs or --ca, or none with --insecure; TLS 1.2 or
// newer; a failed verification is an error, never a console prompt.
#include <Poco/Net/Context.h>

#include <string>

namespace rtmtap {

// Throws std::invalid_argument with a one-line reason when caFile cannot be used.
Poco::Net::Context::Ptr httpsClientContext(const std::string& caFile, bool insecure);

}  // namespace rtmtap
