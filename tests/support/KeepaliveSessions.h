#pragma once
// Sessions of the real web client's keepalive (protocol-notes.md, "The real web client"), recorded
// through the Recorder with their API calls, as `rtmtap proxy --api-upstream` records them. For
// the tests of what `rtmtap stats` makes of them (store/KeepaliveCounter, SystemPingCalls, the
// stats command). Times are µs after base (wall clock); every session starts at t_us 0.
//
// Login L (user 7): user.login at -3 ms, rtm.connect at -2 ms, then
//   session 1 (starts at 0, closed by the client with 3000 at 110 s):
//     ws_ping at 10 s, pong 2 ms later; ws_ping at 20 s, no pong; ws_ping at 30 s, pong 4 ms later;
//     POST system.ping "tok-a" at 40 s, its event 3 ms later; POST system.ping "tok b" (sent as
//     "tok+b") at 100 s, no event; ws_ping at 105 s, no pong before the close.
//   POST system.ping "tok-gap" at 111 s, when no session of L is open: nobody's.
//   rtm.connect at 111.5 s, then session 2 (starts at 112 s, open):
//     POST system.ping "tok-c" at 121 s (9 s into the session), its event 1.5 ms later; a
//     system.ping event with a token nobody sent; ws_ping at 10 s, pong 1 ms later.
// Login M (user 8): session 3 (starts at 115 s, ended 1006 by the server at 130 s):
//   POST system.ping "tok-c" (session 2's token, another login) at 121 s, no event.
#include <cstdint>
#include <string>

namespace rtmtap::test {

void recordKeepaliveSessions(const std::string& db, int64_t base);

}  // namespace rtmtap::test
