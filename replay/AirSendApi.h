#pragma once
// The AirSend HTTP API calls rtmtap's clients make, as the real web client makes them
// (protocol-notes.md): user.login, rtm.connect and system.ping, one POCO HTTPClientSession a
// call. Also the session factory the WebSocket upgrade of RtmClient uses, so http(s) and ws(s)
// share one place for the URL checks, the TLS settings and the timeout.
#include "RtmClient.h"

#include <memory>
#include <string>

namespace Poco::Net {
class HTTPClientSession;
}

namespace rtmtap {

// The form of POST system.ping (protocol-notes.md, "The real web client").
struct SystemPingForm {
    std::string fingerPrint;  // the finger_print claim of the connection's ws_token
    std::string pingToken;    // fresh for each call; the system.ping event carries it back
    int64_t lastLatencyMs = 0;
};

class AirSendApi {
public:
    // Uses timeoutMs, caFile, insecure and userAgent.
    explicit AirSendApi(RtmClientOptions options) : options_(std::move(options)) {}

    // POST {api}/api/v1/user.login with form fields user and password; returns the bearer token.
    std::string login(const std::string& api, const std::string& user, const std::string& password) const;
    // GET {api}/api/v1/rtm.connect with "Authorization: Bearer <token>". A 429 throws
    // RtmRateLimited with the RetryAfter header's seconds.
    RtmEndpoint rtmConnect(const std::string& api, const std::string& bearer) const;
    // POST {api}/api/v1/system.ping (form-urlencoded, bearer); throws unless the answer is 200.
    void systemPing(const std::string& api, const std::string& bearer, const SystemPingForm& form) const;

    // A session for url (http, https, ws or wss) with the timeout and TLS settings; path gets the
    // URL's path and query. Throws RtmClientError for a URL it cannot use.
    static std::unique_ptr<Poco::Net::HTTPClientSession> session(const std::string& url, const RtmClientOptions& options,
                                                                 std::string& path);
    // One line of at most 120 characters, for error messages quoting what a server sent.
    static std::string preview(const std::string& text);

private:
    RtmClientOptions options_;
};

}  // namespace rtmtap
