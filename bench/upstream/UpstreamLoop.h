#pragma once
// One epoll loop of the benchmark upstream (see UpstreamServer.h for the modes).
#include "../src/Buffer.h"

#include <atomic>
#include <cstdint>
#include <string>

namespace rtmtap::bench {

class UpstreamLoop {
public:
    UpstreamLoop(int listenFd, const std::atomic<bool>& stopping, int64_t deadlineUs);
    ~UpstreamLoop();
    void run();

private:
    enum class Mode { Handshake, Echo, Burst, Idle, BlackHole };
    struct Conn {
        int fd = -1;
        Mode mode = Mode::Handshake;
        Buffer in, out;
        std::string fragment;
        uint8_t fragmentOp = 0;
        bool inFragment = false;
        bool closeAfterFlush = false;
        bool writeArmed = false;
        long burstLeft = 0;
        long burstTotal = 0;
        long burstSize = 0;
        long nextId = 0;
        bool markerSent = true;
    };

    // Every handler returns false when it closed (and freed) the connection.
    void acceptAll();
    bool onReadable(Conn* c);
    int handshake(Conn* c);  // 1 upgraded, 0 head incomplete (or rejected), -1 closed
    bool onFrames(Conn* c);
    void onMessage(Conn* c, uint8_t op, const char* data, size_t size);
    bool pump(Conn* c);  // writes out, refills bursts, arms EPOLLOUT as needed
    void refillBurst(Conn* c);
    void setWriteArmed(Conn* c, bool armed);
    void closeConn(Conn* c);

    int listenFd_;
    int epollFd_;
    const std::atomic<bool>& stopping_;
    int64_t deadlineUs_;
    std::string event_;  // scratch for burst events
};

}  // namespace rtmtap::bench
