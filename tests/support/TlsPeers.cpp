#include "TlsPeers.h"

#include "proxy/TlsTransport.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <exception>
#include <sys/socket.h>
#include <sys/time.h>

namespace rtmtap::test {
namespace {

constexpr int kTimeoutMs = 10000;

void setTimeouts(int fd) {
    timeval tv{kTimeoutMs / 1000, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::string hex(const unsigned char* data, size_t n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xF];
    }
    return out;
}

std::string alpnWire(const std::vector<std::string>& protocols) {
    std::string wire;
    for (const std::string& p : protocols) {
        wire += static_cast<char>(p.size());
        wire += p;
    }
    return wire;
}

std::string sslError() {
    unsigned long code = ERR_get_error();
    std::string text;
    for (; code != 0; code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        text = buf;
    }
    return text.empty() ? "unknown TLS error" : text;
}

// After a handshake: what both sides saw, then the wait for the peer's close (up to the timeout).
void finish(SSL* ssl, TlsPeerResult& r) {
    r.ok = true;
    const unsigned char* alpn = nullptr;
    unsigned int alpnLen = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpnLen);
    r.alpn = alpn ? std::string(reinterpret_cast<const char*>(alpn), alpnLen) : "";
    unsigned char random[SSL3_RANDOM_SIZE];
    r.clientRandom = hex(random, SSL_get_client_random(ssl, random, sizeof random));
    r.version = SSL_get_version(ssl);
    const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    r.serverName = name ? name : "";
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    r.peerChain = chain ? sk_X509_num(chain) : 0;
}

void drainUntilClosed(SSL* ssl) {
    char buf[256];
    while (SSL_read(ssl, buf, sizeof buf) > 0) {
    }
    ERR_clear_error();
}

}  // namespace

TlsPeerResult rawTlsConnect(uint16_t port, const RawTlsOptions& o) {
    TlsPeerResult r;
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(kTimeoutMs * 1000L));
    setTimeouts(socket.impl()->sockfd());
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (o.maxVersion) {
        SSL_CTX_set_max_proto_version(ctx, o.maxVersion);
    }
    if (!o.caFile.empty()) {
        SSL_CTX_load_verify_locations(ctx, o.caFile.c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    }
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, socket.impl()->sockfd());
    if (!o.sni.empty()) {
        SSL_set_tlsext_host_name(ssl, o.sni.c_str());
    }
    unsigned char ip[16];
    if (!o.verifyName.empty() && (inet_pton(AF_INET, o.verifyName.c_str(), ip) == 1 ||
                                  inet_pton(AF_INET6, o.verifyName.c_str(), ip) == 1)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), o.verifyName.c_str());
    } else if (!o.verifyName.empty()) {
        SSL_set1_host(ssl, o.verifyName.c_str());
    }
    if (!o.alpn.empty()) {
        const std::string wire = alpnWire(o.alpn);
        SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char*>(wire.data()), static_cast<unsigned>(wire.size()));
    }
    if (SSL_connect(ssl) == 1) {
        finish(ssl, r);
        drainUntilClosed(ssl);  // the server closes first (it may still send session tickets)
    } else {
        const long verify = SSL_get_verify_result(ssl);
        r.error = verify != X509_V_OK ? X509_verify_cert_error_string(verify) : sslError();
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return r;
}

TlsPeerResult rawTlsAccept(Poco::Net::StreamSocket socket, const RawTlsOptions& o) {
    TlsPeerResult r;
    setTimeouts(socket.impl()->sockfd());
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx, o.certFile.c_str());
    SSL_CTX_use_PrivateKey_file(ctx, o.keyFile.c_str(), SSL_FILETYPE_PEM);
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, socket.impl()->sockfd());
    if (SSL_accept(ssl) == 1) {
        finish(ssl, r);
        SSL_shutdown(ssl);
        ::shutdown(socket.impl()->sockfd(), SHUT_WR);  // the client may have gone already: no exception
    } else {
        r.error = sslError();
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return r;
}

TlsPeerResult transportAccept(Poco::Net::StreamSocket socket, std::shared_ptr<TlsContext> context,
                              const std::string& fallbackName) {
    TlsPeerResult r;
    TlsTransport tls(std::move(socket), std::move(context));
    if (!fallbackName.empty()) {
        tls.setFallbackServerName(fallbackName);
    }
    tls.setBlocking(true, 500);
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
    TlsTransport::Step step = TlsTransport::Step::WantRead;
    while (step != TlsTransport::Step::Done && step != TlsTransport::Step::Failed &&
           std::chrono::steady_clock::now() < until) {
        step = tls.acceptStep();
    }
    r.serverName = tls.serverName();
    r.alpn = tls.alpn();
    r.ok = step == TlsTransport::Step::Done;
    r.error = r.ok ? "" : (step == TlsTransport::Step::Failed ? tls.error() : "timed out");
    if (r.ok) {
        tls.shutdownWrite();
    }
    return r;
}

OneShotServer::OneShotServer(std::function<TlsPeerResult(Poco::Net::StreamSocket)> handle)
    : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)), port_(listener_.address().port()) {
    std::signal(SIGPIPE, SIG_IGN);  // a client that has gone must fail a write, not end the test
    thread_ = std::thread([this, handle = std::move(handle)] {
        if (!listener_.poll(Poco::Timespan(kTimeoutMs * 1000L), Poco::Net::Socket::SELECT_READ)) {
            result_.error = "no client connected";
            return;
        }
        try {
            result_ = handle(listener_.acceptConnection());
        } catch (const std::exception& e) {
            result_.error = e.what();
        }
    });
}

OneShotServer::~OneShotServer() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

TlsPeerResult OneShotServer::result() {
    if (thread_.joinable()) {
        thread_.join();
    }
    return result_;
}

}  // namespace rtmtap::test
