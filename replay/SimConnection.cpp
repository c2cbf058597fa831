#include "SimConnection.h"

#include <sys/socket.h>

namespace rtmtap {

bool SimConnection::send(const std::string& payload, int flags) {
    std::lock_guard lock(sendMutex_);
    if (dropped_) {
        return false;
    }
    try {
        ws_.sendFrame(payload.data(), static_cast<int>(payload.size()), flags);
        return true;
    } catch (const std::exception&) {
        dropped_ = true;
        ::shutdown(ws_.impl()->sockfd(), SHUT_RDWR);
        return false;
    }
}

void SimConnection::drop() {
    std::lock_guard lock(sendMutex_);
    dropped_ = true;
    // Not WebSocket::shutdown(): that sends a close frame.
    ::shutdown(ws_.impl()->sockfd(), SHUT_RDWR);
}

}  // namespace rtmtap
