#pragma once
// The recording WebSocket proxy: accepts clients, opens the upstream for each, relays frames
// byte for byte and announces every message to the taps. It knows no feature.
#include "FilterChain.h"
#include "protocol/Clock.h"
#include "protocol/Tap.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rtmtap {

class EndpointRoutes;

class TlsContext;

// reverse: clients connect to rtmtap as if it were the server (--upstream, or the API's
// rewritten rtm.connect answers). regular: rtmtap is the HTTP proxy clients are configured with
// (proxy/ForwardProxy.h).
enum class ProxyMode { Reverse, Regular };

struct ProxyConfig {
    ProxyMode mode = ProxyMode::Reverse;
    // --mode regular: hosts whose CONNECT tunnels are read and recorded (globs, case-insensitive;
    // empty: every host); the others are tunnelled untouched.
    std::vector<std::string> intercept;
    // --mode regular: serves TLS in intercepted tunnels (TlsContext::intercepting, rtmtap's CA).
    // Null: tunnels are read as plain HTTP only.
    std::shared_ptr<TlsContext> interceptTls;
    bool recordHttp = false;        // --mode regular: record every HTTP exchange, not only /api/
    size_t maxHttpBody = 16u << 20;  // --mode regular: larger request bodies get 413, answers 502
    std::string listenHost = "127.0.0.1";
    uint16_t listenPort = 9001;        // 0: pick a free port (see Proxy::port())
    std::string upstream;              // ws://host[:port][/path] or wss://...; may be "" with routes
    // Set when the API side (ApiProxy) rewrites rtm.connect answers: a client target starting with
    // /_rtmtap/<n>/ has the prefix stripped and goes to route n's origin, or to upstream when that
    // is set (--upstream wins; the prefix is stripped all the same). A client without the prefix
    // goes to upstream, or gets a 502 when there is none.
    std::shared_ptr<EndpointRoutes> routes;
    bool insecure = false;             // wss upstream: skip certificate verification
    std::string caFile;                // wss upstream: trust these CAs instead of the system's
    std::string tlsCert, tlsKey;       // serve wss:// to clients
    size_t maxMessage = 16u << 20;     // bigger messages close both sides with 1009
    // Bytes all sessions together may buffer (frames not yet complete, bytes waiting for a slow
    // reader, held messages): above it, sessions stop reading their senders until it drains, one
    // session at a time may go past it to finish a message of up to maxMessage (BufferBudget.h).
    size_t maxBuffered = 256u << 20;
    int connectTimeoutMs = 10000;      // upstream TCP/TLS connect: 502 when refused, 504 on timeout
    int handshakeTimeoutMs = 10000;    // client request head (from its accept) / upstream response head
    // Live sessions and upgrades in progress together; beyond it a new client gets 503. 0: no limit.
    size_t maxSessions = 50000;
    // Connections open at once from one client address (its IP); beyond it 503. 0: no limit.
    size_t maxPerAddress = 0;
    int closeGraceMs = 2000;           // on shutdown: wait this long for close replies
    int loops = 0;                     // relay threads; 0 = one per core (at most 4)
    // Makes each session's filter chain (proxy/FilterChain.h); empty: no filtering at all.
    FilterChainFactory filters;
};

struct ProxyStats {
    uint64_t sessionsAccepted = 0;      // connections admitted (refused ones not counted)
    uint64_t sessionsActive = 0;
    uint64_t handshakeFailures = 0;
    uint64_t messagesRelayed = 0;
    uint64_t handshakesPending = 0;     // clients whose request head is still arriving
    uint64_t openConnections = 0;       // what --max-sessions counts: pending, upgrading and live
    uint64_t acceptCalls = 0;           // accept(2) calls, failed ones included
    uint64_t acceptPauses = 0;          // times accepting paused for lack of descriptors
    uint64_t refusedFull = 0;           // 503 for --max-sessions
    uint64_t refusedPerAddress = 0;     // 503 for --max-per-address
    uint64_t refusedNoDescriptors = 0;  // 503 when out of file descriptors
    uint64_t bufferedBytes = 0;   // what the relays buffer now (see ProxyConfig::maxBuffered)
    uint64_t bufferedPeak = 0;    // the most they buffered at once since start
};

class Proxy {
public:
    // Validates the config (bad upstream URL, unreadable cert: std::invalid_argument with a
    // one-line reason). Taps are not owned and must outlive the proxy.
    Proxy(ProxyConfig config, std::vector<Tap*> taps, int64_t firstSessionId = 1,
          Clock& clock = Clock::system());
    ~Proxy();  // stop()

    // Binds and starts accepting. Throws std::runtime_error ("port in use" etc.) on failure.
    void start();
    uint16_t port() const;
    std::string listenUrl() const;  // ws://127.0.0.1:9001 or wss://...

    // Stops accepting, closes live sessions with 1001 on both sides, waits up to closeGraceMs
    // for close replies, drops what is left and returns when every session has ended and been
    // announced to the taps. Idempotent.
    void stop();
    ProxyStats stats() const;

    // Thread-safe (but not from a filter or tap, which run in a relay thread): sends a message
    // into the direction dir of a live session, as if its peer had sent it now. It goes through
    // the session's filters and is recorded with the injected flag. Returns once the session's
    // relay has taken it: false when no live session has that id. op: text, binary, ping or pong
    // (a control payload at most 125 bytes), else std::invalid_argument.
    bool inject(int64_t session, Direction dir, Opcode op, std::string payload);

    // Thread-safe: adds a filter to every session, live or new, after its own filters, until
    // detach. It runs on several loop threads at once, so it must be thread-safe itself.
    void attach(std::shared_ptr<Filter> filter);
    void detach(const std::shared_ptr<Filter>& filter);

    // Thread-safe, as inject: ends a filter's hold of a message early (Relay::release). False when
    // the session is not live or holds nothing with that token.
    bool release(int64_t session, uint64_t token, FilterResult decision);

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rtmtap
