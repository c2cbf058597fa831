#include "TlsTransport.h"

#include "HostName.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace rtmtap {
namespace {

// Where each SSL keeps a pointer to its TlsTransport.
int transportIndex() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

// The alerts a client sends when it does not trust the certificate it was shown.
bool isDistrust(const std::string& error) {
    for (const char* alert : {"alert unknown ca", "alert bad certificate", "alert certificate unknown"}) {
        if (error.find(alert) != std::string::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

TlsTransport::TlsTransport(Poco::Net::StreamSocket socket, std::shared_ptr<TlsContext> context)
    : Transport(std::move(socket)), context_(std::move(context)), ssl_(SSL_new(context_->get())) {
    if (ssl_) {
        SSL_set_fd(ssl_, fd());
        SSL_set_ex_data(ssl_, transportIndex(), this);
    }
}

TlsTransport* TlsTransport::of(const SSL* ssl) {
    return ssl ? static_cast<TlsTransport*>(SSL_get_ex_data(ssl, transportIndex())) : nullptr;
}

std::string TlsTransport::serverName() const {
    const char* name = ssl_ ? SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name) : nullptr;
    return name ? name : "";
}

std::string TlsTransport::alpn() const {
    const unsigned char* data = nullptr;
    unsigned int len = 0;
    if (ssl_) {
        SSL_get0_alpn_selected(ssl_, &data, &len);
    }
    return data ? std::string(reinterpret_cast<const char*>(data), len) : "";
}

TlsTransport::~TlsTransport() {
    if (ssl_) {
        SSL_free(ssl_);
    }
}

bool TlsTransport::connect(const std::string& hostName) {
    if (!ssl_) {
        setError(TlsContext::lastError());
        return false;
    }
    if (!isIpLiteral(hostName)) {
        SSL_set_tlsext_host_name(ssl_, hostName.c_str());
    }
    if (context_->verifies()) {
        // OpenSSL checks the chain; the name must be checked too or any valid cert would do.
        if (isIpLiteral(hostName)) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), hostName.c_str());
        } else {
            SSL_set1_host(ssl_, hostName.c_str());
        }
    }
    ERR_clear_error();
    int rc = SSL_connect(ssl_);
    if (rc == 1) {
        return true;
    }
    long verify = SSL_get_verify_result(ssl_);
    if (verify != X509_V_OK) {
        setError(std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify));
    } else {
        int err = SSL_get_error(ssl_, rc);
        setError(err == SSL_ERROR_SYSCALL && errno == EAGAIN ? "timed out" : TlsContext::lastError());
    }
    return false;
}

TlsTransport::Step TlsTransport::acceptStep() {
    if (!ssl_) {
        setError(TlsContext::lastError());
        return Step::Failed;
    }
    ERR_clear_error();
    errno = 0;
    const int rc = SSL_accept(ssl_);
    if (rc == 1) {
        return Step::Done;
    }
    const int err = SSL_get_error(ssl_, rc);
    if (err == SSL_ERROR_WANT_READ) {
        return Step::WantRead;
    }
    if (err == SSL_ERROR_WANT_WRITE) {
        return Step::WantWrite;
    }
    setError(acceptError(err));
    return Step::Failed;
}

// Why SSL_accept failed (and the OpenSSL queue cleared): a callback's reason first, else the
// alert the client sent (its text, e.g. "tlsv1 alert unknown ca", kept whole), else the rest.
std::string TlsTransport::acceptError(int err) const {
    if (!handshakeProblem_.empty()) {
        TlsContext::lastError();
        return handshakeProblem_;
    }
    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
        return errno ? std::strerror(errno) : "the client closed the connection";
    }
    std::string error = TlsContext::lastError();
    if (context_->authority() && isDistrust(error)) {
        error += " (the client does not trust rtmtap's CA: rtmtap ca show says how to install it)";
    }
    return error;
}

ssize_t TlsTransport::result(int rc, const char* what) {
    int err = SSL_get_error(ssl_, rc);
    switch (err) {
        case SSL_ERROR_WANT_READ:
        case SSL_ERROR_WANT_WRITE:
            return WouldBlock;
        case SSL_ERROR_ZERO_RETURN:
            return 0;
        case SSL_ERROR_SYSCALL:
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return WouldBlock;
            }
            // An EOF without close_notify: the peer dropped TCP, which is what we report.
            if (ERR_peek_error() == 0 && (errno == 0 || errno == ECONNRESET)) {
                return errno == 0 ? 0 : Failed;
            }
            setError(std::string(what) + ": " + (errno ? std::strerror(errno) : TlsContext::lastError()));
            return Failed;
        default:
            setError(std::string(what) + ": " + TlsContext::lastError());
            return Failed;
    }
}

ssize_t TlsTransport::read(char* buf, size_t len) {
    ERR_clear_error();
    errno = 0;
    int rc = SSL_read(ssl_, buf, static_cast<int>(len > 1u << 30 ? 1u << 30 : len));
    if (rc > 0) {
        return rc;
    }
    ssize_t r = result(rc, "TLS read");
    if (r == 0 && SSL_get_error(ssl_, rc) == SSL_ERROR_SYSCALL) {
        return 0;
    }
    return r;
}

ssize_t TlsTransport::write(const char* buf, size_t len) {
    ERR_clear_error();
    errno = 0;
    int rc = SSL_write(ssl_, buf, static_cast<int>(len > 1u << 30 ? 1u << 30 : len));
    if (rc > 0) {
        return rc;
    }
    ssize_t r = result(rc, "TLS write");
    return r == 0 ? Failed : r;
}

bool TlsTransport::hasBuffered() const {
    return SSL_pending(ssl_) > 0;
}

void TlsTransport::shutdownWrite() {
    ERR_clear_error();
    SSL_shutdown(ssl_);
    Transport::shutdownWrite();
}

}  // namespace rtmtap
