#pragma once
// `rtmtap replay --to URL --expect`: the events a server sent to the replayed client against the
// events the recording holds, as a diff (SequenceDiff) of comparable views.
//
// What is compared: every server-to-client text or binary frame, in order (the "pong" event that
// answers ws_ping included). Protocol control frames (ping, pong, close) are not: their timing is
// the server's own and says nothing about what it answered. A frame's view is its JSON flattened
// to leaf paths ("payload.message.content" = "\"hi\""), minus
//   - volatile fields: meta.emitted_on, and any member named created_on, created_on_ts,
//     last_active_on or last_active_on_ts at any depth (times the server stamps anew);
//   - the paths given with --ignore: dotted from the frame's top, "*" standing for any one key or
//     array index, a path naming an object or array ignoring all of it ("payload.user");
// and with message ids the server assigned anew (IdMap) mapped: in a recorded frame, a
// message_id, read_watermark_id, oldest_unread_message_id, parent_message_id, or the id of a
// "message" or "parent_message" object that names a recorded id is replaced by its live id.
// A frame that is not JSON is compared by its bytes.
#include "IdMap.h"
#include "SequenceDiff.h"
#include "protocol/Message.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap {

// One compared frame.
struct EventView {
    int64_t seq = 0;   // recorded: its seq; live: its place among the frames of the session
    int64_t atUs = 0;  // recorded: since the recorded ws_auth; live: since the live ws_auth
    std::string name;  // the event name, "" when none
    std::vector<std::pair<std::string, std::string>> fields;  // path -> JSON value text, sorted by path
    std::string key;   // what the diff compares: name and fields

    // "chat.updateMessage payload.message.id=10004 payload.message.content=\"hi\" ..." cut at
    // maxChars (the fields in path order).
    std::string describe(size_t maxChars = 160) const;
};

struct EventDiff {
    std::vector<EventView> recorded, received;
    std::vector<DiffStep> steps;
};

// A field that differs between a Missing and an Extra view of the same event name.
struct FieldChange {
    std::string path;
    std::string recorded, received;  // "" when the field is absent on that side
};

class EventCompare {
public:
    // ignore: --ignore paths. Throws std::invalid_argument for an empty path or segment.
    explicit EventCompare(std::vector<std::string> ignore = {});

    // The view of one server frame; ids (may be null) maps recorded ids to live ones.
    EventView view(const Message& frame, const IdMap* ids) const;

    // recorded: the recording's frames (any direction: only server frames count); received: the
    // live server frames. atUs counts from recordedStartUs and liveStartUs respectively.
    EventDiff compare(const std::vector<Message>& recorded, int64_t recordedStartUs, const std::vector<Message>& received,
                      int64_t liveStartUs, const IdMap& ids) const;

    // True when frame takes part in the comparison (a server text or binary frame).
    static bool compared(const Message& frame);
    // The fields in which two views differ, in path order.
    static std::vector<FieldChange> changes(const EventView& recorded, const EventView& received);

private:
    bool ignored(const std::vector<std::string>& path) const;

    std::vector<std::vector<std::string>> ignore_;
};

}  // namespace rtmtap
