#pragma once
// What `rtmtap replay --to URL` sends to a server, worked out once from a recording: the recorded
// client frames with their offsets from the recorded ws_auth, and for --reactive the server
// events each of them waited for in the recording.
//
// Sent: every client text or binary frame but ws_auth (the replay sends a fresh one first; the
// recorded token has its signature cut off) and the frames the recorded server never got
// (flagged Dropped, or Oversize: not stored whole). Frames before the recorded ws_auth go at once.
// Protocol control frames are not sent: the replay answers the live server's pings itself and
// closes the connection itself at the end.
#include "protocol/Message.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rtmtap {

// Server events by name (a frame without an "event" name counts under ""), protocol control
// frames not counted.
using EventCounts = std::map<std::string, int64_t>;

struct PlannedSend {
    const Message* frame = nullptr;  // into the recording
    int64_t offsetUs = 0;            // from the recorded ws_auth, before --speed
    std::string name;                // the command's name, "" when it has none (sent all the same)
    EventCounts after;               // --reactive: the server events received since ws_auth before it
};

struct ClientPlan {
    std::vector<PlannedSend> sends;
    int64_t startUs = 0;    // the recorded t_us that offset 0 stands for (recordedStartUs)
    int64_t endUs = 0;      // the offset of the recording's last frame: the replay lasts this long
    EventCounts events;     // every recorded server event: what the end of a replay waits for
    size_t skipped = 0;     // client text and binary frames not sent (ws_auth, Dropped, Oversize)
    // A client close a rule made (replay --patch, flagged Injected): the replay ends with its code
    // and reason instead of 1000. Null otherwise.
    const Message* close = nullptr;
};

// frames: one recorded session in seq order; they must outlive the plan.
ClientPlan buildClientPlan(const std::vector<Message>& frames);

// The name a server frame counts under in EventCounts.
std::string eventName(const Message& frame);

// True when have holds at least as many of each event as need; else missing says which fall
// short, "chat.postMessage (1 of 2)".
bool countsReached(const EventCounts& have, const EventCounts& need, std::string* missing = nullptr);

}  // namespace rtmtap
