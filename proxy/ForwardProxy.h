#pragma once
// `rtmtap proxy --mode regular`: rtmtap as the HTTP proxy a browser or phone is configured with
// (absolute-form requests and CONNECT, RFC 9110 section 9.3.6), so a real app is recorded with no
// change to it. A CONNECT to a host that --intercept matches is answered 200 and the tunnel is
// read as HTTP: TLS terminated with a leaf certificate of rtmtap's CA (proxy/CertAuthority) when
// the client starts TLS, plain otherwise (RFC 6455 section 4.1 has ws:// go through CONNECT
// too). Inside it, a WebSocket upgrade goes to the relay exactly as in the reverse mode (through
// Hooks::upgrade), any other request is forwarded to the origin (HttpForwarder) and, for the
// AirSend API (/api/...) or with --record-http, announced to the taps as an ApiExchange. Other
// hosts are tunnelled byte for byte and not recorded (TunnelLoop).
// The request heads are read by the proxy's HandshakeLoop, without a thread; the blocking parts
// (connecting, forwarding) run on the proxy's UpgradePool.
#include "ConnectionLimits.h"
#include "Handshake.h"
#include "HttpForwarder.h"
#include "PendingHandshake.h"
#include "ProxyTarget.h"
#include "TlsContext.h"
#include "TunnelLoop.h"
#include "UpgradePool.h"
#include "UpstreamUrl.h"

#include "protocol/Clock.h"
#include "protocol/Glob.h"
#include "protocol/Tap.h"

#include <Poco/Net/Context.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPRequest;
}

namespace rtmtap {

struct ProxyConfig;

class ForwardProxy {
public:
    struct Hooks {
        // A WebSocket upgrade (head in origin-form, head.origin's connection to use if set): on to
        // the relay, as the reverse mode does with --upstream.
        std::function<void(ClientHead&&, const UpstreamUrl&)> upgrade;
        // Read the connection's next request head (HandshakeLoop::resume).
        std::function<void(ClientHead&&, std::shared_ptr<TlsContext>)> resume;
        // Record a connection that failed before any request (a client refusing the leaf).
        std::function<void(HandshakeResult&, int64_t startMono, int64_t startWall)> recordFailure;
    };

    // Throws std::invalid_argument for a bad --intercept pattern or --ca file.
    ForwardProxy(const ProxyConfig& config, std::vector<Tap*> taps, Clock& clock, UpgradePool& pool, Hooks hooks);
    ~ForwardProxy();  // stop()

    void start();
    void stop();  // ends every tunnel

    // On the HandshakeLoop thread: a request head from a client (head.origin set inside a tunnel).
    void onHead(ClientHead&& head);
    // On the HandshakeLoop thread: the client refused the TLS handshake in a tunnel.
    void onTlsFailed(ClientHead&& head, const std::string& error);

    bool intercepts(const std::string& host) const;
    size_t tunnels() const { return tunnels_.tunnels(); }

private:
    void refuse(ClientHead& head, int status, const std::string& reason, const std::string& line);
    void connect(ClientHead& head, const ProxyTarget& target);
    void originRequest(ClientHead&& head, std::shared_ptr<Poco::Net::HTTPRequest> request,
                       std::shared_ptr<TunnelOrigin> origin, const std::string& target);
    void exchange(ClientHead& head, const Poco::Net::HTTPRequest& request, TunnelOrigin& origin,
                  const std::string& target);
    bool recorded(const std::string& target) const;
    void announce(const ApiExchange& exchange);

    const ProxyConfig& config_;
    std::vector<Tap*> taps_;
    Clock& clock_;
    UpgradePool& pool_;
    Hooks hooks_;
    Poco::Net::Context::Ptr httpsContext_;  // for https origins
    std::vector<Glob> intercept_;           // empty: every host
    TunnelLoop tunnels_;
};

}  // namespace rtmtap
