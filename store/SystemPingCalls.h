#pragma once
// The HTTP half of the real AirSend web client's keepalive (protocol-notes.md, "The real web
// client"): every 60 s it POSTs /api/v1/system.ping (form: finger_print, ping_token,
// last_latency) and the backend answers with a system.ping event {ping_token} on the client's
// WebSocket. This reads those calls from api_calls and says which session each belongs to, so
// that `rtmtap stats` can pair each with its event.
#include "Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

struct SystemPingCall {
    int64_t id = 0;               // api_calls.id
    int64_t session = 0;          // the WebSocket session it belongs to
    int64_t started_wall_us = 0;  // when the request arrived, wall clock µs since the epoch
    int status = 0;
    std::string ping_token;       // the form field, decoded; "" when the body has none
};

// The rows read() matches, for a reader of another store (pg/PgReader) to give resolve(): an
// rtm.connect call and the session it led to, and a call to /api/v1/system.ping.
struct SystemPingConnect {
    std::string login_key;  // unique across the rows given together (a fleet store prefixes its source)
    int64_t session = 0;
    int64_t started_us = 0;
    std::optional<int64_t> ended_us;
};

struct SystemPingRequest {
    int64_t id = 0;
    std::optional<int64_t> session;  // api_calls.session
    std::optional<std::string> login_key;
    int64_t started_us = 0;
    int status = 0;
    std::string request_body;
};

class SystemPingCalls {
public:
    // The calls to /api/v1/system.ping (with or without a query) of one session, or of all
    // (nullopt), by session, then time. A call belongs to the session api_calls.session names (an
    // import sets it on every call; a recorder that links the calls made during a session sets
    // it too); otherwise to a session of its login (login_key: the sessions its rtm.connect calls
    // led to) that was open when the call arrived, the latest-started one when several were. A
    // call made while no session of its login was open is left out. Empty for a file from before
    // api_calls. Throws DatabaseError.
    static std::vector<SystemPingCall> read(Database& db, std::optional<int64_t> session);
    // The same rules over rows read elsewhere: connects of the logins involved, and the
    // system.ping calls (those of the session's login or naming it when session is set).
    static std::vector<SystemPingCall> resolve(const std::vector<SystemPingConnect>& connects,
                                               const std::vector<SystemPingRequest>& requests,
                                               std::optional<int64_t> session);
    // The ping_token field of a form-urlencoded body, decoded ('+' is a space); "" when absent.
    // A malformed %-escape leaves the value as it was sent.
    static std::string pingTokenOf(const std::string& formBody);
};

}  // namespace rtmtap
