#pragma once
// What the engine knows about the session being checked and the sessions before it, for the
// rules that need more than one frame at a time: the user and token come from the session's
// ws_auth (the stored frame keeps the token's claims), the history from sessions already ended.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

// One session the engine has seen start, as the cross-session rules (reconnect storms, token
// reuse) look back at it.
struct PastSession {
    int64_t id = 0;
    int64_t started_wall_us = 0;
    std::optional<int64_t> ended_wall_us;  // nullopt while it is open (live) or when it never ended
    std::optional<int64_t> user_id;        // from its ws_auth token
    std::string token_key;                 // "header.payload." of that token, "" when none
    bool dropped = false;                  // ended without a close frame in either direction
};

struct LintSession {
    int64_t id = 0;
    int64_t started_wall_us = 0;
    // Learnt from the session's first ws_auth with a token whose claims decode; the engine sets
    // them before the rules see that frame.
    std::optional<int64_t> user_id;
    std::string token_key;     // "header.payload." (the store keeps only that much)
    std::string token_expiry;  // the expiry claim, "YYYY-MM-DD hh:mm:ss", "" when none
    // Sessions that started before this one, oldest first (this one not included).
    const std::vector<PastSession>* history = nullptr;
};

// How a session ended, as far as the source knows: the store's session row, or the proxy's end.
struct LintSessionEnd {
    bool ended = false;                 // false: still open or the recording stopped mid-session
    int64_t ended_wall_us = 0;
    std::optional<int> close_code;      // the first close frame's code, 1006 for a drop
    std::string closed_by;              // "client" | "server" | "proxy" | ""
    std::string error;                  // "" for a clean end
};

}  // namespace rtmtap
