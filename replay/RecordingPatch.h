#pragma once
// `rtmtap replay --patch FILE`: a recording as the rules of FILE (rules/RuleEngine, the engine
// `rtmtap proxy --rules` runs live) would have made it, worked out once before the replay's plan
// (ReplayPlan, ClientPlan) is built, so serving and re-sending play the same patched recording.
//
// The frames go through one RuleEngine::Session in recorded order (FilterContext: the recording's
// SessionInfo, the frame's direction, its t_us), and each answer becomes frames as the relay
// (proxy/Relay) would have sent them:
//  - drop: the frame is left out (the plans would play a Dropped frame: ReplayPlan serves them);
//  - set, delete, replace, duplicate: the replacements at the frame's time, flagged Edited;
//  - delay_ms: the frame goes that much later, and the later frames of its direction stay behind
//    it (TCP order: t_us = max(its own, the one before it in that direction));
//  - insert_before / insert_after: frames in their own direction flagged Injected, before the
//    frame or after it (after_ms later: those do not hold up the frames behind them);
//  - close: the session ends at the frame; what would have gone later is cut. A code: a close
//    frame from that side, flagged Injected (ReplayPlan serves a server's close; after a client's
//    close it serves nothing more). 1006: no frame, and the recording's end says that side
//    dropped the connection then (ReplayPlan drops the client there for a server's drop).
// Frames the recorded session had already flagged Dropped (never forwarded) are not shown to the
// rules and stay as they are. The result is in time order, seq renumbered 1..N (edit_of follows).
#include "protocol/Message.h"
#include "rules/RuleEngine.h"
#include "store/Recording.h"

#include <cstddef>
#include <optional>
#include <string>

namespace rtmtap {

// What a patch changed, frame by frame (the rules' own counts are in the engine).
struct PatchCounts {
    size_t dropped = 0;   // frames left out
    size_t edited = 0;    // frames sent in place of others (Edited)
    size_t injected = 0;  // frames added (Injected), a rule's close frame included
    size_t delayed = 0;   // frames moved later by delay_ms
    size_t cut = 0;       // frames after a rule's close
    std::optional<FilterClose> closed;  // a rule ended the session

    // "1 dropped, 2 edited, 1 injected, 0 delayed; closed by the server (4000)".
    std::string describe() const;
};

class RecordingPatch {
public:
    // engine's counts grow by what its rules did to this recording.
    static Recording patched(const Recording& recording, const RuleEngine& engine, PatchCounts* counts = nullptr);
};

}  // namespace rtmtap
