#pragma once
// A byte stream the relay reads and writes without blocking: plain TCP or TLS over a socket.
// During the handshake the same object is used in blocking mode with socket timeouts.
// A plain Transport may be read in one thread while another writes (replay/WsConnection does):
// the error text is all the two share, and it has a mutex. A TlsTransport may not (OpenSSL).
#include <Poco/Net/StreamSocket.h>

#include <cstddef>
#include <mutex>
#include <string>
#include <sys/types.h>

namespace rtmtap {

class Transport {
public:
    static constexpr ssize_t WouldBlock = -1;
    static constexpr ssize_t Failed = -2;

    explicit Transport(Poco::Net::StreamSocket socket);
    virtual ~Transport() = default;
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // >0 bytes moved; 0 end of stream (read only); WouldBlock; Failed (see error()).
    virtual ssize_t read(char* buf, size_t len);
    virtual ssize_t write(const char* buf, size_t len);
    // Bytes already decrypted and waiting inside the transport, invisible to epoll.
    virtual bool hasBuffered() const { return false; }
    // Sends FIN after everything written (TLS: close_notify first). Best effort.
    virtual void shutdownWrite();

    int fd() const { return fd_; }
    // The socket, shared (POCO counts references): TLS can be started on it after plain bytes.
    Poco::Net::StreamSocket socket() const { return socket_; }
    std::string error() const;
    void setBlocking(bool blocking, int timeoutMs);
    std::string peerAddress() const;

protected:
    void setError(const std::string& text);

private:
    template <typename Call>
    ssize_t retry(Call call);
    Poco::Net::StreamSocket socket_;  // owns the descriptor
    int fd_;
    mutable std::mutex errorMutex_;
    std::string error_;  // under errorMutex_
};

}  // namespace rtmtap
