#pragma once
// What `rtmtap replay` serves to a client under test, worked out once from a recording before any
// client connects: the recorded server frames with their offsets from the start of the replay,
// the frames --reactive holds back until the client sends the command they answered, and the
// recorded client commands that --expect compares with.
//
// The replay starts when the client sends ws_auth, so offsets count from the recorded ws_auth
// (from the first client frame when there is none, as in a capture that began late); what
// answered ws_auth (user.online) is therefore never held, it goes at its offset. --from SEQ
// moves the start to the frame numbered SEQ: what comes before it is sent at once (offset 0,
// never held), the rest at its offset from frame SEQ. Server frames after the recorded client's
// close frame (the server's close echo) are left out: the live client closes for itself.
#include "CommandKey.h"
#include "protocol/Message.h"
#include "protocol/Session.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtmtap {

class ReplayPlanError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct PlannedCommand {
    const Message* frame = nullptr;  // into the recording
    CommandKey key;
    int64_t offsetUs = 0;  // from the start of the replay (recorded time)
};

struct PlannedFrame {
    const Message* frame = nullptr;  // a server-to-client frame of the recording
    int64_t offsetUs = 0;            // from the start of the replay, before --speed
    std::string name;                // event name, "" when none
    // --reactive: the index into ReplayPlan::commands of the command this frame answered; it is
    // sent delayUs after the client under test sends a command with the same key.
    std::optional<size_t> heldFor;
    int64_t delayUs = 0;
};

struct PlanOptions {
    bool reactive = false;
    std::optional<int64_t> fromSeq;
};

struct ReplayPlan {
    std::vector<PlannedFrame> frames;      // recorded order
    std::vector<PlannedCommand> commands;  // every client command of the recording, ws_auth included
    int64_t startUs = 0;                   // recorded t_us that offset 0 stands for
    // The recorded server dropped the connection without a close frame (as AirSend's does) this
    // long after the start: the replay drops the client there too.
    std::optional<int64_t> dropAtUs;
    size_t heldCount() const;
};

// The recorded time that the start of a replay stands for: the t_us of the first ws_auth the
// client sent, else of its first frame (a capture that began late), else of the first frame.
int64_t recordedStartUs(const std::vector<Message>& frames);

// frames: one recorded session in seq order (they must outlive the plan). end: how it ended, when
// known. Throws ReplayPlanError for a --from beyond the session.
ReplayPlan buildReplayPlan(const std::vector<Message>& frames, const std::optional<SessionEnd>& end,
                           const PlanOptions& options);

}  // namespace rtmtap
