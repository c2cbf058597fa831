#pragma once
// What `rtmtap stats` reports about one session or all of them, computed from rows read through
// store/Reader (only the columns needed; payloads of pings, pongs and system.ping alone), and the
// system.ping API calls (store/SystemPingCalls) the reader finds for it. No printing here:
// cli/StatsCommand renders it as text or JSON.
#include "Gaps.h"
#include "Reader.h"
#include "RuleCounts.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

// Nearest-rank percentiles of a set of durations, µs. All zero when count is 0.
struct Percentiles {
    int64_t count = 0;
    int64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
};

// The percentiles of values (sorted in place). `stats` and `replay --to`'s latency report use it.
Percentiles percentilesOf(std::vector<int64_t>& values);

struct DirectionTotals {
    int64_t frames = 0;
    int64_t bytes = 0;  // payload sizes as they arrived
};

struct NameCount {
    std::string name;
    int64_t count = 0;
};

// A stretch with no frame either way, longer than the threshold.
struct SilenceGap {
    int64_t session = 0;
    int64_t seq = 0;        // the last frame before the silence (0: the session's start)
    int64_t start_us = 0;   // offset in the session (t_us) of the last frame before the silence
    int64_t length_us = 0;
};

// Frames per bucket of bucket_us, the first bucket starting at the session's start (one
// session) or at the earliest frame's wall time (all sessions).
struct RateSeries {
    int64_t bucket_us = 0;
    std::vector<int64_t> counts;
};

struct PingStats {
    int64_t pings = 0;
    int64_t unanswered = 0;        // pings no pong answered
    int64_t unsolicitedPongs = 0;  // pongs that answered no ping (e.g. a second pong for one ping)
    Percentiles roundTrip;         // ping arrival to its pong's arrival, µs
};

// One application-level keepalive of the real web client (protocol-notes.md, "The real web
// client"): requests sent and the answers that matched them.
struct KeepaliveRoundTrips {
    int64_t sent = 0;
    int64_t unanswered = 0;  // no answer came (ws_ping: before the next ws_ping or the end)
    Percentiles roundTrip;   // of the answered ones (its count), µs
};

struct KeepaliveStats {
    // {"command":"ws_ping"} (c2s) answered by the next {"event":"pong"} (s2c); arrival to arrival.
    KeepaliveRoundTrips wsPing;
    // POST /api/v1/system.ping (api_calls, store/SystemPingCalls.h) answered by the session's
    // system.ping event with its ping_token; the call's arrival to the event's, wall clock.
    KeepaliveRoundTrips systemPing;
    // Sessions the client closed with code 3000, the web client's reconnect, and how many of them
    // ended with their last ws_ping or last system.ping unanswered (what makes it reconnect).
    int64_t reconnects = 0;
    int64_t reconnectsAfterUnanswered = 0;
};

// How one session ended, as the sessions table has it.
struct SessionEnding {
    bool ended = false;  // false: still open (or the recorder never saw its end)
    std::optional<int> close_code;
    std::string close_reason, closed_by, error;
    std::optional<int> http_status;
    std::optional<int64_t> duration_us;
};

// One keepalive request on a session's timeline: an RFC 6455 ping or the web client's ws_ping
// command, with its round trip when an answer came.
struct KeepaliveMark {
    std::string kind;  // "ping" | "ws_ping"
    int64_t t_us = 0;
    int64_t seq = 0;
    std::optional<int64_t> rtt_us;  // nullopt: unanswered
};

struct CloseMark {
    int64_t t_us = 0;
    int64_t seq = 0;
    Direction dir = Direction::ClientToServer;
    std::optional<int> code;  // nullopt: the close frame had no code
    std::string reason;
};

struct NameSeries {
    std::string name;  // "(other)": the names beyond the most frequent
    std::vector<int64_t> counts;
};

// One session's life for the viewer (rtmtap ui): frames per bucket by name, keepalives with
// their round trips, closes (silences are SessionStats::gaps).
struct SessionTimeline {
    int64_t start_us = 0;   // wall clock of bucket 0: the session's start
    int64_t end_us = 0;     // wall clock of its end (or of its last frame while open)
    int64_t bucket_us = 0;
    std::vector<NameSeries> names;
    std::vector<KeepaliveMark> keepalives;  // in the order they were sent
    std::vector<CloseMark> closes;
};

struct SessionStatsSettings {
    int64_t gapUs = 25'000'000;  // silences longer than this are listed (AirSend pings every 25 s)
    size_t maxBuckets = 60;      // the rate series has at most this many buckets
    // One session only: also build its SessionTimeline with at most this many buckets (0: none)
    // and series for this many names.
    size_t timelineBuckets = 0;
    size_t timelineNames = 8;
};

struct SessionStats {
    std::optional<int64_t> session;  // nullopt: over all sessions
    int64_t sessions = 0;
    DirectionTotals c2s, s2c;
    std::vector<NameCount> events, commands;  // most frequent first, then by name
    RateSeries rate;
    PingStats ping;
    KeepaliveStats keepalive;
    Percentiles holding;  // fwd_us - t_us of forwarded frames, µs
    std::vector<SilenceGap> gaps;
    std::optional<SessionEnding> ending;          // one session only
    std::vector<NameCount> endings;               // all sessions: how many ended each way
    // What the rules of `rtmtap proxy --rules` did in the proxy runs that overlap the session
    // (all sessions: every run); filled by the caller from store/RuleCounts.
    std::vector<RuleCountRow> rules;
    // Frames relayed but not recorded while the recorder was behind (`--when-behind relay`), from
    // the gaps table (store/Gaps.h); filled by the caller.
    std::vector<GapRow> unrecorded;
    std::optional<SessionTimeline> timeline;  // settings.timelineBuckets, one session
};

// Returns nullopt when sessionId names no session. Throws what Reader throws.
std::optional<SessionStats> computeSessionStats(Reader& reader, std::optional<int64_t> sessionId,
                                                const SessionStatsSettings& settings = {});

// How the sessions table says row ended.
SessionEnding endingOf(const SessionRow& row);

// A short label for how a session ended: "1000 by client", "1006 by server: reset", "http 502",
// "open". The key of SessionStats::endings.
std::string endingLabel(const SessionEnding& ending);

}  // namespace rtmtap
