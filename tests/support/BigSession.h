#pragma once
// One long session written straight into a database, fast: what the viewer's tests page and
// scroll through (100,000 frames) and its API's tests count, with no proxy in the way (relaying
// that many frames would take minutes). The frames are AirSend's as the simulator renders them
// (replay/SimEvents, the document's flavour): a ws_auth command, then mostly server events
// (chat.postMessage with channel, message and user ids, some chat.updateMessage and
// chat.userTyping), client commands at the web client's pace (ws_read_notification,
// ws_ephemeral_typing, ws_add_reaction), the server's RFC 6455 pings every 25 s of session time
// each answered by a pong with its payload, one silence longer than 25 s halfway through, and a
// close by the client, echoed, at the end. t_us increases; wall_us = start + t_us. `rtmtap lint`
// finds only the silence (and the document's string read_user_count, an info). 100,000 frames
// take about 2.5 s to make and write, the text index included.
#include "CraftedSession.h"

#include <cstdint>
#include <string>

namespace rtmtap::test {

struct BigSessionOptions {
    int64_t startWallUs = CraftedSession::kStartWallUs;
    int64_t frameGapUs = 20'000;       // session time from one frame to the next
    int64_t pingEveryUs = 25'000'000;  // the server's pings (AirSend's 25 s)
    int64_t silenceUs = 40'000'000;    // the one silence, halfway; 0: none
    std::string label;                 // sessions.label; "" stores none
    bool indexText = true;             // also complete the full-text index (TextIndex::catchUp),
                                       // as a --text query over many frames would first
};

// The user whose ws_auth token opens the session (its claims: user_id, user_name, ...).
constexpr int64_t kBigSessionUser = 91010001;

// The session's frames (frames of them: the ws_auth first, the two closes last when frames >= 3),
// numbered 1..frames.
CraftedSession bigSession(int64_t frames, const BigSessionOptions& options = {});

// Creates or opens the rtmtap database at dbPath and writes bigSession(frames, options) into it
// as one imported session (importSession: indexed as the recorder indexes), ended by its close.
// Returns the session's id. Throws DatabaseError (a live recorder holds the file, say).
int64_t writeBigSession(const std::string& dbPath, int64_t frames, const BigSessionOptions& options = {});

}  // namespace rtmtap::test
