#pragma once
// N clients of `rtmtap replay` on one epoll loop (bench/client's ClientLoop): all connect, then
// each sends ws_auth, one right after the other, and the send time of each is noted. Every frame
// that arrives is checked against the timeline (opcode and size, in order) and its scheduling
// error as the client sees it is
//   arrival - (ws_auth sent + offset / speed)
// which holds everything the replay's own figure (taken when its action starts) leaves out: the
// ws_auth's way in, the replay's wake-up, the write, the loopback. Arrival is the kernel's
// receive stamp of the frame's last bytes (SO_TIMESTAMPING), so the figure does not depend on how
// soon this one thread gets to read 100 sockets on a busy machine; the time the read returned
// gives a second figure, which does. With --no-timing the figure is frames per second instead.
#include "../client/ClientLoop.h"
#include "ReplayTimeline.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::bench {

struct LoadOptions {
    WsUrl target;
    int clients = 1;
    double speed = 1.0;
    bool noTiming = false;
    double timeoutSeconds = 60;  // beyond the recording's span at this speed
};

class ReplayLoad : public ClientHandler {
public:
    ReplayLoad(const ReplayTimeline& timeline, LoadOptions options);

    // Runs the clients and prints a summary and the RESULT line; 0 when every client got every
    // frame in order, else 1.
    int run();

    void onMessage(ClientConn& c, uint8_t op, const char* data, size_t size) override;
    void onControl(ClientConn& c, uint8_t op, const char* data, size_t size) override;

private:
    struct Client {
        int64_t authUs = 0;  // ws_auth written
        size_t next = 0;     // index of the next frame expected
        int64_t lastUs = 0;  // the last frame arrived
        std::vector<int64_t> errorsUs;  // by the kernel's arrival stamps
        std::vector<int64_t> readErrorsUs;  // by the time the read returned
    };

    struct Figures {
        uint64_t received = 0, missing = 0;
        std::string errors, readErrors;  // "error_p50_us=.. ..." as latencySummary writes them
        int64_t worstClientP99 = 0, startMedian = 0, startMax = 0, spacingP99 = 0, authSpread = 0;
        double seconds = 0, perSecond = 0;
    };

    void arrived(ClientConn& c, uint8_t op, size_t size);
    bool allDone() const;
    bool settled(ClientLoop& loop) const;  // each client is done or its connection ended
    int64_t dueUs(const Client& k, const TimelineFrame& f) const;
    Figures figures();  // sorts each client's errors
    int report(bool finished, const ClientLoop& loop);

    const ReplayTimeline& timeline_;
    const LoadOptions o_;
    std::vector<Client> clients_;
    size_t done_ = 0;
    uint64_t mismatched_ = 0;
    std::string firstMismatch_;
};

}  // namespace rtmtap::bench
