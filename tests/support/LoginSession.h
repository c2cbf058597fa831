#pragma once
// A session recorded with its login, as `rtmtap proxy --api-upstream` records one: user.login
// and rtm.connect (with the login token as its bearer), a user.login of another login and a call
// made after rtm.connect (neither is this session's login), then the session that authenticates
// with the ws_token. For the tests of what reads a session's login (store/RecordingLoader,
// rtmtap export).
#include <cstdint>
#include <string>

namespace rtmtap::test {

// Records it into db (next free session id) starting at startUs: user.login at startUs - 3000,
// rtm.connect at startUs - 2000, two frames at t_us 1000 and 2000, a clean close at startUs + 9000.
void recordLoggedInSession(const std::string& db, int64_t startUs);

}  // namespace rtmtap::test
