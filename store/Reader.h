#pragma once
// Read-only access to a recorded database for the CLI, the viewer and replay. Never touches the
// relay. An interface: store/SqliteReader reads a local file; store/OpenReader picks the backend
// for a --db string, and every reader of a database goes through it.
#include "FrameFilter.h"
#include "Findings.h"
#include "Gaps.h"
#include "RuleCounts.h"
#include "SystemPingCalls.h"
#include "protocol/Classifier.h"
#include "protocol/Message.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

struct SessionRow {
    int64_t id = 0;
    int64_t started_wall_us = 0;
    std::optional<int64_t> ended_wall_us;
    std::optional<int64_t> duration_us;  // monotonic, set when the session ended
    std::string client, upstream, path, subprotocol;
    std::string headers_json;  // redacted request headers as a JSON object
    std::optional<int64_t> user_id;
    std::string user_name, client_ip, user_agent, token_expiry, finger_print, auth_token;
    std::string claims_json;  // the ws_auth token's decoded claims object, "" when none
    std::optional<int> close_code;
    std::string close_reason, closed_by, error;
    std::optional<int> http_status;
    std::string label;  // `rtmtap import --label`, "" when none
    std::optional<int64_t> replay_of;  // `rtmtap replay --record`: the session this one replayed
    std::optional<int64_t> derived_from;  // `rtmtap edit`: the session this one was edited from
    int64_t frames = 0;
    int64_t bytes = 0;
    std::string source;  // the shipping proxy's name in a fleet database, "" in a local file
};

struct FrameRow {
    Message message;  // payload as stored (redacted where flagged)
    std::string kind;  // "command" | "event" | "control" | "other"
    std::string name;  // "" when none
    std::optional<int64_t> channel_id, message_id, user_id;
};

// The columns `stats` reads: no payload but for ping and pong, whose payloads pair them up,
// close (its code and reason, for the viewer's timeline) and system.ping, whose ping_token pairs
// it with its HTTP call.
struct FrameSummary {
    int64_t session = 0;
    int64_t seq = 0;
    Direction dir = Direction::ClientToServer;
    Opcode op = Opcode::Text;
    uint32_t flags = 0;
    int64_t t_us = 0;
    int64_t fwd_us = -1;
    int64_t wall_us = 0;
    uint64_t size = 0;
    Kind kind = Kind::Other;
    std::string name;         // "" when none
    std::string payload;      // the payload of a ping, pong, close or system.ping frame, else ""
};

// One row of api_calls, as stored (redacted: docs/schema.md).
struct ApiCallRow {
    int64_t id = 0;
    int64_t started_wall_us = 0;
    std::string method, path;
    int status = 0;
    std::string request_headers_json, request_body;    // headers: a JSON object
    std::string response_headers_json, response_body;  // bodies: the exact bytes
};

enum class SearchOrder { Ascending, Descending };

// Every method may throw std::runtime_error with a one-line reason (the backend's error).
class Reader {
public:
    virtual ~Reader() = default;

    // The database as the user named it (a path or a URL), for messages.
    virtual std::string location() const = 0;

    virtual std::vector<SessionRow> sessions() = 0;
    virtual std::optional<SessionRow> session(int64_t id) = 0;
    // Calls fn for each frame of the session in seq order; fn returns false to stop.
    virtual void frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) = 0;
    // The session's login: its rows of v_session_api (the API calls made with the login token of
    // the rtm.connect call that led to it, up to that call), oldest first. Empty when no call is
    // linked to the session, or the file predates api_calls.
    virtual std::vector<ApiCallRow> sessionApiCalls(int64_t sessionId) = 0;
    // What lint stored about the session (findings table: proxy --lint's and lint --store's
    // rows), by seq (seq 0, about the whole session, last), then in the order they were written.
    virtual std::vector<StoredFinding> findings(int64_t sessionId) = 0;
    // The session's (nullopt: every session's) HTTP keepalive calls: store/SystemPingCalls.h.
    virtual std::vector<SystemPingCall> systemPingCalls(std::optional<int64_t> sessionId) = 0;

    // The highest frames.id (insertion order) so far, 0 when there is none: where a follower
    // that wants only new frames starts.
    virtual int64_t lastFrameId() = 0;
    // Calls fn, in insertion order, for each frame with afterId < id <= upToId that passes
    // filter; fn returns false to stop. A range of the rowid: earlier frames are never read.
    virtual void framesBetween(int64_t afterId, int64_t upToId, const FrameFilter& filter,
                               const std::function<bool(const FrameRow&)>& fn) = 0;
    // Calls fn for each frame, across sessions, that passes filter, in recording order (frames.id;
    // a single --session: its seq order), through the query indexes (store/FrameSearch.h); fn
    // returns false to stop.
    virtual void query(const FrameFilter& filter, SearchOrder order, const std::function<bool(const FrameRow&)>& fn) = 0;
    // How many frames pass filter.
    virtual int64_t count(const FrameFilter& filter) = 0;
    // Calls fn for each frame of one session (nullopt: of every session, one after the other),
    // in seq order, with only the columns FrameSummary holds; fn returns false to stop.
    virtual void frameSummaries(std::optional<int64_t> sessionId, const std::function<bool(const FrameSummary&)>& fn) = 0;
    // The frames the recorder left out (the gaps table, store/Gaps.h) of one session (nullopt:
    // of all), by session and seq.
    virtual std::vector<GapRow> unrecordedGaps(std::optional<int64_t> session) = 0;
    // The rule_counts rows (store/RuleCounts.h) whose span overlaps [fromUs, toUs], oldest span
    // first, then in file order.
    virtual std::vector<RuleCountRow> ruleCounts(int64_t fromUs, int64_t toUs) = 0;
};

}  // namespace rtmtap
