#include "StatsJson.h"

#include "protocol/Message.h"
#include "store/JsonObject.h"
#include "store/JsonOut.h"

#include <limits>

namespace rtmtap::view {
namespace {

std::string totalsJson(const DirectionTotals& t) {
    return JsonObject().number("frames", t.frames).number("bytes", t.bytes).str();
}

std::string countsJson(const std::vector<NameCount>& counts, const char* key) {
    std::vector<std::string> items;
    for (const NameCount& c : counts) {
        items.push_back(JsonObject().string(key, c.name).number("count", c.count).str());
    }
    return jsonArray(items);
}

std::string rulesJson(const std::vector<RuleCountRow>& rules) {
    std::vector<std::string> items;
    for (const RuleCountRow& r : rules) {
        items.push_back(JsonObject()
                            .string("started_at", isoUtc(r.started_us))
                            .string("ended_at", isoUtc(r.ended_us))
                            .string("file", r.file)
                            .number("line", r.line)
                            .string("rule", r.rule)
                            .number("matched", r.matched)
                            .number("touched", r.touched)
                            .number("missing", r.missing)
                            .str());
    }
    return jsonArray(items);
}

std::string percentilesJson(const Percentiles& p) {
    auto value = [&](int64_t v) { return p.count ? std::optional<int64_t>(v) : std::nullopt; };
    return JsonObject()
        .number("count", p.count)
        .number("p50", value(p.p50))
        .number("p99", value(p.p99))
        .number("max", value(p.max))
        .str();
}

std::string rateJson(const RateSeries& rate) {
    std::vector<std::string> counts;
    for (int64_t c : rate.counts) {
        counts.push_back(std::to_string(c));
    }
    return JsonObject().number("bucket_us", rate.bucket_us).raw("counts", jsonArray(counts)).str();
}

std::string pingJson(const PingStats& ping) {
    return JsonObject()
        .number("pings", ping.pings)
        .number("answered", ping.roundTrip.count)
        .number("unanswered", ping.unanswered)
        .number("unsolicited_pongs", ping.unsolicitedPongs)
        .raw("round_trip_us", percentilesJson(ping.roundTrip))
        .str();
}

std::string roundTripsJson(const KeepaliveRoundTrips& k) {
    return JsonObject()
        .number("sent", k.sent)
        .number("answered", k.roundTrip.count)
        .number("unanswered", k.unanswered)
        .raw("round_trip_us", percentilesJson(k.roundTrip))
        .str();
}

std::string keepaliveJson(const KeepaliveStats& k) {
    return JsonObject()
        .raw("ws_ping", roundTripsJson(k.wsPing))
        .raw("system_ping", roundTripsJson(k.systemPing))
        .number("reconnects", k.reconnects)
        .number("reconnects_after_unanswered", k.reconnectsAfterUnanswered)
        .str();
}

std::string gapsJson(const std::vector<SilenceGap>& gaps) {
    std::vector<std::string> items;
    for (const SilenceGap& g : gaps) {
        items.push_back(JsonObject()
                            .number("session", g.session)
                            .number("seq", g.seq)
                            .number("start_us", g.start_us)
                            .number("length_us", g.length_us)
                            .str());
    }
    return jsonArray(items);
}

std::string unrecordedJson(const std::vector<GapRow>& gaps) {
    int64_t frames = 0, size = 0;
    std::vector<std::string> items;
    for (const GapRow& g : gaps) {
        frames += g.frames;
        size += g.bytes;
        items.push_back(JsonObject()
                            .number("session", g.session)
                            .number("first_seq", g.first_seq)
                            .number("last_seq", g.last_seq)
                            .string("first_at", isoUtc(g.first_us))
                            .string("last_at", isoUtc(g.last_us))
                            .number("frames", g.frames)
                            .number("bytes", g.bytes)
                            .string("reason", g.reason)
                            .str());
    }
    return JsonObject().number("frames", frames).number("bytes", size).raw("gaps", jsonArray(items)).str();
}

std::string endingJson(const SessionEnding& e) {
    auto optionalInt = [](const std::optional<int>& v) { return v ? std::optional<int64_t>(*v) : std::nullopt; };
    return JsonObject()
        .string("state", e.ended ? "ended" : "open")
        .string("summary", endingLabel(e))
        .number("close_code", optionalInt(e.close_code))
        .stringOrNull("close_reason", e.close_reason)
        .stringOrNull("closed_by", e.closed_by)
        .stringOrNull("error", e.error)
        .number("http_status", optionalInt(e.http_status))
        .number("duration_us", e.duration_us)
        .str();
}

std::string numbers(const std::vector<int64_t>& values) {
    std::vector<std::string> items;
    items.reserve(values.size());
    for (int64_t v : values) {
        items.push_back(std::to_string(v));
    }
    return jsonArray(items);
}

std::string timelineJson(const SessionTimeline& t, const std::vector<SilenceGap>& gaps) {
    std::vector<std::string> names, keepalives, unanswered, silences, closes;
    for (const NameSeries& s : t.names) {
        names.push_back(JsonObject().string("name", s.name).raw("counts", numbers(s.counts)).str());
    }
    for (const KeepaliveMark& k : t.keepalives) {
        JsonObject mark;
        mark.number("t_us", k.t_us).number("seq", k.seq).string("kind", k.kind);
        if (k.rtt_us) {
            keepalives.push_back(mark.number("rtt_us", *k.rtt_us).str());
        } else {
            unanswered.push_back(mark.str());
        }
    }
    for (const SilenceGap& g : gaps) {
        silences.push_back(JsonObject().number("t_us", g.start_us).number("seq", g.seq).number("length_us", g.length_us).str());
    }
    for (const CloseMark& c : t.closes) {
        closes.push_back(JsonObject()
                             .number("t_us", c.t_us)
                             .number("seq", c.seq)
                             .string("dir", toString(c.dir))
                             .number("code", c.code ? std::optional<int64_t>(*c.code) : std::nullopt)
                             .string("reason", c.reason)
                             .str());
    }
    return JsonObject()
        .number("start_us", t.start_us)
        .number("end_us", t.end_us)
        .number("bucket_us", t.bucket_us)
        .raw("names", jsonArray(names))
        .raw("round_trips", jsonArray(keepalives))
        .raw("unanswered", jsonArray(unanswered))
        .raw("silences", jsonArray(silences))
        .raw("closes", jsonArray(closes))
        .str();
}

// The rule counts of the proxy runs that overlap the session (all of them for all sessions).
std::vector<RuleCountRow> rulesInRange(Reader& reader, std::optional<int64_t> session) {
    int64_t from = std::numeric_limits<int64_t>::min();
    int64_t to = std::numeric_limits<int64_t>::max();
    if (session) {
        if (std::optional<SessionRow> row = reader.session(*session)) {
            from = row->started_wall_us;
            to = row->ended_wall_us.value_or(to);
        }
    }
    return reader.ruleCounts(from, to);
}


}  // namespace

std::optional<SessionStats> readStats(Reader& reader, std::optional<int64_t> session,
                                      const SessionStatsSettings& settings) {
    std::optional<SessionStats> stats = computeSessionStats(reader, session, settings);
    if (stats) {
        stats->rules = rulesInRange(reader, session);
        stats->unrecorded = reader.unrecordedGaps(session);
    }
    return stats;
}

std::string statsJson(const SessionStats& s, int64_t gapUs) {
    JsonObject json;
    json.number("session", s.session)
        .number("sessions", s.sessions)
        .number("frames", s.c2s.frames + s.s2c.frames)
        .number("bytes", s.c2s.bytes + s.s2c.bytes)
        .raw("c2s", totalsJson(s.c2s))
        .raw("s2c", totalsJson(s.s2c))
        .raw("events", countsJson(s.events, "name"))
        .raw("commands", countsJson(s.commands, "name"))
        .raw("rate", rateJson(s.rate))
        .raw("ping", pingJson(s.ping))
        .raw("keepalive", keepaliveJson(s.keepalive))
        .raw("holding_us", percentilesJson(s.holding))
        .number("gap_threshold_us", gapUs)
        .raw("gaps", gapsJson(s.gaps));
    if (s.ending) {
        json.raw("ending", endingJson(*s.ending));
    } else {
        json.null("ending");
    }
    json.raw("endings", countsJson(s.endings, "how"))
        .raw("rules", rulesJson(s.rules))
        .raw("unrecorded", unrecordedJson(s.unrecorded));
    if (s.timeline) {
        json.raw("timeline", timelineJson(*s.timeline, s.gaps));
    }
    return json.str();
}

}  // namespace rtmtap::view
