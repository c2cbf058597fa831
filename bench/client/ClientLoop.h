#pragma once
// The load client's engine: many WebSocket client connections on one epoll loop. A mode (latency,
// throughput, burst, connect) is a ClientHandler that reacts to opens and messages by queueing
// sends; the loop flushes every connection touched after each batch of events.
#include "../src/Buffer.h"
#include "../src/Handshake.h"
#include "../src/Net.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rtmtap::bench {

struct ClientConn {
    enum class State { Handshaking, Open, Closing, Closed };
    int index = 0;
    int fd = -1;
    State state = State::Handshaking;
    std::string key;
    Buffer in, out;
    std::string fragment;
    uint8_t fragmentOp = 0;
    bool inFragment = false;
    bool writeArmed = false;
    bool dirty = false;
    int64_t startUs = 0;  // connect() called
    int64_t openUs = 0;   // 101 received
    int64_t readUs = 0;     // the last read that brought bytes returned
    int64_t arrivedUs = 0;  // with stampArrivals(): the kernel received those bytes (else readUs)
    // Scratch for the modes: send times of the messages in flight, oldest first.
    std::vector<int64_t> inFlight;
    size_t inFlightHead = 0;
    uint64_t sent = 0, received = 0;
};

class ClientHandler {
public:
    virtual ~ClientHandler() = default;
    virtual void onOpen(ClientConn&) {}
    virtual void onMessage(ClientConn&, uint8_t /*op*/, const char* /*data*/, size_t /*size*/) {}
    // A ping or pong (a ping is answered by the loop itself).
    virtual void onControl(ClientConn&, uint8_t /*op*/, const char* /*data*/, size_t /*size*/) {}
};

struct ClientCounters {
    uint64_t framesSent = 0;      // every frame, control frames included (what a recorder should hold)
    uint64_t framesReceived = 0;
    uint64_t opened = 0;
    uint64_t failed = 0;          // could not connect or upgrade
    uint64_t droppedOpen = 0;     // the peer dropped an open connection without a close frame
    uint64_t protocolErrors = 0;
};

class ClientLoop {
public:
    ClientLoop(WsUrl url, ClientHandler& handler);
    ~ClientLoop();

    // From now on, sockets ask the kernel to stamp what they receive (ClientConn::arrivedUs): the
    // time bytes reached the machine, whatever the loop was busy with then.
    void stampArrivals() { stampArrivals_ = true; }
    // Opens count connections, with at most maxPending handshakes outstanding at a time.
    void open(int count, int maxPending);
    // Processes events until done() holds or the deadline (nowUs) passes; true when done().
    bool runUntil(const std::function<bool()>& done, int64_t deadlineUs);
    // Queues one masked frame; it is written after the current batch of events.
    void send(ClientConn& c, uint8_t op, const char* data, size_t size);
    // The same, written at once rather than after the batch (what is sent "now" is timed).
    void sendNow(ClientConn& c, uint8_t op, const char* data, size_t size);
    // Sends close 1000 on every open connection and waits for the replies until the deadline.
    void closeAll(int64_t deadlineUs);

    std::vector<std::unique_ptr<ClientConn>>& conns() { return conns_; }
    const ClientCounters& counters() const { return counters_; }
    uint64_t openCount() const { return openNow_; }
    const std::string& firstError() const { return firstError_; }

private:
    void startOne();
    void onEvent(ClientConn& c, uint32_t events);
    bool readAll(ClientConn& c);  // false when the connection ended
    void handshake(ClientConn& c);
    void frames(ClientConn& c);
    void flush(ClientConn& c);
    void flushDirty();
    void setWriteArmed(ClientConn& c, bool armed);
    void finish(ClientConn& c, const std::string& why);  // closes the socket
    void noteError(const std::string& error);

    WsUrl url_;
    ClientHandler& handler_;
    int epollFd_;
    Rng rng_;
    std::vector<std::unique_ptr<ClientConn>> conns_;
    std::vector<ClientConn*> dirty_;
    bool stampArrivals_ = false;
    int target_ = 0;
    int maxPending_ = 0;
    int pending_ = 0;
    uint64_t openNow_ = 0;
    ClientCounters counters_;
    std::string firstError_;
};

}  // namespace rtmtap::bench
