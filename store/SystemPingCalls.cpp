#include "SystemPingCalls.h"

#include "Statement.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace rtmtap {
namespace {

// Every session an rtm.connect call led to, with its login. Calls and sessions are few next to
// frames (docs/schema.md): all of them, or those of the one session's login, fit in memory.
const char* const kConnects =
    "SELECT c.login_key, s.id, s.started_us, s.ended_us FROM api_calls c JOIN sessions s ON s.id = c.session "
    "WHERE c.ws_token IS NOT NULL AND c.login_key IS NOT NULL";
const char* const kCalls =
    "SELECT a.id, a.session, a.login_key, a.started_us, a.status, a.request_body FROM api_calls a "
    "WHERE a.method = 'POST' AND substr(a.path, 1, 19) = '/api/v1/system.ping' AND substr(a.path, 20, 1) IN ('', '?')";
// One session: only its login's rows (through api_calls_by_login_key and api_calls_by_session).
const char* const kConnectsOfSession =
    " AND c.login_key IN (SELECT login_key FROM api_calls WHERE session = ?1 AND login_key IS NOT NULL)";
const char* const kCallsOfSession =
    " AND (a.session = ?1 OR a.login_key IN (SELECT login_key FROM api_calls WHERE session = ?1 AND "
    "login_key IS NOT NULL))";

using LoginSessions = std::unordered_map<std::string, std::vector<const SystemPingConnect*>>;

std::vector<SystemPingConnect> readConnects(Database& db, std::optional<int64_t> session) {
    Statement select(db, std::string(kConnects) + (session ? kConnectsOfSession : ""));
    if (session) {
        select.bind(1, *session);
    }
    std::vector<SystemPingConnect> connects;
    while (select.step()) {
        connects.push_back({select.columnText(0), select.columnInt(1), select.columnInt(2), select.columnOptInt(3)});
    }
    return connects;
}

std::vector<SystemPingRequest> readRequests(Database& db, std::optional<int64_t> session) {
    Statement select(db, std::string(kCalls) + (session ? kCallsOfSession : ""));
    if (session) {
        select.bind(1, *session);
    }
    std::vector<SystemPingRequest> requests;
    while (select.step()) {
        SystemPingRequest request;
        request.id = select.columnInt(0);
        request.session = select.columnOptInt(1);
        if (!select.isNull(2)) {
            request.login_key = select.columnText(2);
        }
        request.started_us = select.columnInt(3);
        request.status = static_cast<int>(select.columnInt(4));
        request.request_body = select.columnBlob(5);
        requests.push_back(std::move(request));
    }
    return requests;
}

// The latest-started session of the login that was open at t; nullopt when none was.
std::optional<int64_t> openSessionAt(const LoginSessions& logins, const std::string& loginKey, int64_t t) {
    auto found = logins.find(loginKey);
    if (found == logins.end()) {
        return std::nullopt;
    }
    const SystemPingConnect* best = nullptr;
    for (const SystemPingConnect* span : found->second) {
        bool open = span->started_us <= t && (!span->ended_us || *span->ended_us >= t);
        if (open && (!best || span->started_us > best->started_us ||
                     (span->started_us == best->started_us && span->session > best->session))) {
            best = span;
        }
    }
    return best ? std::optional<int64_t>(best->session) : std::nullopt;
}

// '+' first: POCO's decode reads it as a space only after a '?' (a literal '+' comes as %2B).
std::string formDecoded(const std::string& raw) {
    std::string spaced = raw;
    std::replace(spaced.begin(), spaced.end(), '+', ' ');
    std::string out;
    try {
        Poco::URI::decode(spaced, out);
    } catch (const Poco::Exception&) {
        return raw;  // a stray '%': keep what was sent, it is still the client's token
    }
    return out;
}

}  // namespace

std::vector<SystemPingCall> SystemPingCalls::read(Database& db, std::optional<int64_t> session) {
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'api_calls'") == 0) {
        return {};
    }
    return resolve(readConnects(db, session), readRequests(db, session), session);
}

std::vector<SystemPingCall> SystemPingCalls::resolve(const std::vector<SystemPingConnect>& connects,
                                                     const std::vector<SystemPingRequest>& requests,
                                                     std::optional<int64_t> session) {
    LoginSessions logins;
    for (const SystemPingConnect& connect : connects) {
        logins[connect.login_key].push_back(&connect);
    }
    std::vector<SystemPingCall> calls;
    for (const SystemPingRequest& request : requests) {
        std::optional<int64_t> owner = request.session;
        if (!owner && request.login_key) {
            owner = openSessionAt(logins, *request.login_key, request.started_us);
        }
        if (!owner || (session && *owner != *session)) {
            continue;
        }
        SystemPingCall call;
        call.id = request.id;
        call.session = *owner;
        call.started_wall_us = request.started_us;
        call.status = request.status;
        call.ping_token = pingTokenOf(request.request_body);
        calls.push_back(std::move(call));
    }
    std::sort(calls.begin(), calls.end(), [](const SystemPingCall& a, const SystemPingCall& b) {
        return a.session != b.session ? a.session < b.session
                                      : (a.started_wall_us != b.started_wall_us ? a.started_wall_us < b.started_wall_us
                                                                                : a.id < b.id);
    });
    return calls;
}

std::string SystemPingCalls::pingTokenOf(const std::string& formBody) {
    std::string_view form(formBody);
    size_t at = 0;
    while (at <= form.size()) {
        size_t amp = std::min(form.find('&', at), form.size());
        std::string_view field = form.substr(at, amp - at);
        size_t eq = field.find('=');
        if (eq != std::string_view::npos && formDecoded(std::string(field.substr(0, eq))) == "ping_token") {
            return formDecoded(std::string(field.substr(eq + 1)));
        }
        at = amp + 1;
    }
    return {};
}

}  // namespace rtmtap
