#pragma once
// The upgrade of one client connection, in two halves. acceptRequest judges the client's request
// head, which the HandshakeLoop read without blocking, on that loop: it chooses the upstream and
// answers what cannot be upgraded (400, 426, 502 without a route). connectUpstream then runs
// blocking on an UpgradePool thread: open the upstream (TCP, TLS), pass the request on, and answer
// the client with the upstream's own response (101 as it came, a refusal with its status and
// body, 502/504 when the upstream fails). Only then does the session move to a relay loop. With
// routes (ProxyConfig), the upstream may be the endpoint that an rtm.connect answer named (see
// EndpointRoutes).
#include "InflightSockets.h"
#include "TlsContext.h"
#include "Transport.h"
#include "UpstreamUrl.h"
#include "protocol/Session.h"

#include <memory>
#include <optional>
#include <string>

namespace rtmtap {

struct ProxyConfig;

struct HandshakeResult {
    bool upgraded = false;     // true: relay client <-> upstream
    bool recordable = false;   // the request was HTTP enough to be a session worth recording
    std::unique_ptr<Transport> client, upstream;
    std::string clientEarly;   // bytes the client sent after its request head
    std::string upstreamEarly; // bytes the upstream sent after its 101 head
    SessionInfo info;
    int httpStatus = 0;
    std::string error;
};

class Handshake {
public:
    Handshake(const ProxyConfig& config, const UpstreamUrl& upstream, std::shared_ptr<TlsContext> upstreamTls,
              InflightSockets& inflight);

    // r.client is the client's transport (non-blocking, TLS done), r.clientEarly what came after
    // head. False when the request is refused: the answer is written (without blocking) and r says
    // what to record.
    bool acceptRequest(HandshakeResult& r, const std::string& head);
    // After acceptRequest: the blocking half (the client transport is made blocking, with the
    // handshake timeout). r.upgraded tells how it went.
    void connectUpstream(HandshakeResult& r);
    // --mode regular: the origin connection made when the CONNECT came, used instead of a new one.
    void useConnected(Poco::Net::StreamSocket socket) { connected_ = std::move(socket); }
    // Answers the client with a short error and notes it in r.
    void fail(HandshakeResult& r, int status, const std::string& reason, const std::string& line,
              const std::string& extraHeaders = "");

private:
    bool openUpstream(HandshakeResult& r);
    bool connectTcp(HandshakeResult& r, Poco::Net::StreamSocket& socket);
    bool exchangeWithUpstream(HandshakeResult& r, const std::string& request);
    std::string upstreamRequest(const std::string& target);
    // Picks the upstream for the client's target (--upstream, or a /_rtmtap/<n>/ route of an
    // rewritten rtm.connect answer) and the target to ask it for. False when there is none.
    bool chooseUpstream(const std::string& clientTarget, std::string& problem);

    const ProxyConfig& config_;
    UpstreamUrl upstream_;  // a copy: a route replaces it for this session only
    bool hasUpstream_ = false;
    std::string upstreamTarget_;
    std::shared_ptr<TlsContext> upstreamTls_;
    InflightSockets& inflight_;
    int64_t deadlineUs_ = 0;
    std::string clientKey_;
    HeaderList forwarded_;
    std::optional<Poco::Net::StreamSocket> connected_;
};

}  // namespace rtmtap
