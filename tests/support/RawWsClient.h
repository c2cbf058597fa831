#pragma once
// A WebSocket client on a bare socket, for tests that must send what a proper client never does:
// unmasked frames, impossible lengths, frames glued to the request head. Frames are built and
// read with the project's codec (proxy/FrameCodec).
#include "TestClient.h"  // Received, WsFrame

#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <string>

namespace rtmtap::test {

class RawWsClient {
public:
    // Connects to 127.0.0.1:port, sends an upgrade request for target followed at once by
    // afterHead, and reads the response head (status() is 0 when none came).
    RawWsClient(uint16_t port, const std::string& target = "/", const std::string& afterHead = "",
                int timeoutMs = 10000);

    int status() const { return status_; }
    const std::string& responseHead() const { return head_; }

    // A frame as a client would send it; firstByte is FIN, RSV and opcode as they go on the wire.
    static std::string frame(int firstByte, const std::string& payload, bool masked = true);
    void sendBytes(const std::string& bytes);
    void sendFrame(int firstByte, const std::string& payload, bool masked = true) {
        sendBytes(frame(firstByte, payload, masked));
    }
    // One frame from the server, or Closed (EOF), Timeout, Error.
    Received receive(int timeoutMs = 10000);
    // Receives until a frame with this opcode arrives or the stream ends.
    Received receiveOpcode(int opcode, int timeoutMs = 10000);

private:
    bool fill(size_t n, int timeoutMs, Received& r);

    Poco::Net::StreamSocket socket_;
    int status_ = 0;
    std::string head_;
    std::string buffer_;  // bytes received and not yet taken as frames
};

}  // namespace rtmtap::test
