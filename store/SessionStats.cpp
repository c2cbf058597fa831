#include "SessionStats.h"

#include "KeepaliveCounter.h"
#include "protocol/CloseFrame.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace rtmtap {

Percentiles percentilesOf(std::vector<int64_t>& values) {
    Percentiles p;
    p.count = static_cast<int64_t>(values.size());
    if (values.empty()) {
        return p;
    }
    std::sort(values.begin(), values.end());
    // Nearest rank: the smallest value with at least q of the values at or below it.
    auto rank = [&](double q) {
        size_t r = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size()) - 1e-9));
        return values[std::min(std::max<size_t>(r, 1), values.size()) - 1];
    };
    p.p50 = rank(0.50);
    p.p90 = rank(0.90);
    p.p99 = rank(0.99);
    p.max = values.back();
    return p;
}

namespace {

std::vector<NameCount> sortedCounts(const std::unordered_map<std::string, int64_t>& counts) {
    std::vector<NameCount> out;
    out.reserve(counts.size());
    for (const auto& [name, count] : counts) {
        out.push_back({name, count});
    }
    std::sort(out.begin(), out.end(), [](const NameCount& a, const NameCount& b) {
        return a.count != b.count ? a.count > b.count : a.name < b.name;
    });
    return out;
}

// The smallest round bucket width that keeps the series within maxBuckets.
int64_t bucketWidthUs(int64_t spanUs, size_t maxBuckets) {
    static const int64_t kSeconds[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400};
    int64_t buckets = static_cast<int64_t>(std::max<size_t>(maxBuckets, 1));
    for (int64_t seconds : kSeconds) {
        if (spanUs / (seconds * 1'000'000) < buckets) {
            return seconds * 1'000'000;
        }
    }
    int64_t day = 86'400'000'000;
    return (spanUs / buckets / day + 1) * day;
}

// A width from 10 ms up in steps of 1, 2, 5 that keeps span within buckets: the timeline is
// drawn finer than the rate series of `stats`.
int64_t timelineWidthUs(int64_t spanUs, size_t buckets) {
    int64_t n = static_cast<int64_t>(std::max<size_t>(buckets, 1));
    for (int64_t decade = 10'000;; decade *= 10) {
        for (int64_t step : {1, 2, 5}) {
            if (spanUs / (decade * step) < n) {
                return decade * step;
            }
        }
    }
}

struct PendingPing {
    Direction dir;
    std::string payload;
    int64_t t_us;
    int64_t seq;
};

// Takes frames session by session, each in seq order, and keeps only what the report needs.
class Accumulator {
public:
    Accumulator(const SessionStatsSettings& settings, std::optional<int64_t> session,
                const std::map<int64_t, SessionRow>& rows, std::vector<SystemPingCall> systemPings)
        : settings_(settings), rows_(rows), keepalive_(std::move(systemPings)) {
        stats_.session = session;
        if (session && settings.timelineBuckets > 0) {
            timeline_.emplace();
            keepalive_.recordMarks(&timeline_->keepalives);
        }
    }

    void add(const FrameSummary& f) {
        if (!current_ || *current_ != f.session) {
            endSession();
            startSession(f.session);
        }
        DirectionTotals& totals = f.dir == Direction::ClientToServer ? stats_.c2s : stats_.s2c;
        ++totals.frames;
        totals.bytes += static_cast<int64_t>(f.size);
        countName(f);
        times_.push_back(stats_.session ? f.t_us : f.wall_us);
        if (f.fwd_us >= 0) {
            holds_.push_back(f.fwd_us - f.t_us);
        }
        notePing(f);
        keepalive_.add(f);
        noteSilence(lastT_, f.t_us);
        lastT_ = f.t_us;
        lastSeq_ = f.seq;
        if (timeline_) {
            noteTimeline(f);
        }
    }

    SessionStats finish() {
        endSession();
        for (const auto& [id, row] : rows_) {
            seen_.insert(id);
        }
        stats_.sessions = static_cast<int64_t>(seen_.size());
        stats_.events = sortedCounts(events_);
        stats_.commands = sortedCounts(commands_);
        stats_.holding = percentilesOf(holds_);
        stats_.ping.roundTrip = percentilesOf(rtts_);
        stats_.keepalive = keepalive_.finish(rows_);
        buildRate();
        buildEndings();
        buildTimeline();
        return std::move(stats_);
    }

private:
    void startSession(int64_t id) {
        current_ = id;
        seen_.insert(id);
        lastT_ = 0;  // the session began at t_us 0: a late first frame is a silence too
        lastSeq_ = 0;
        pending_.clear();
        keepalive_.startSession(id);
    }

    // Pings still pending never got a pong; the silence up to the end is one too.
    void endSession() {
        if (!current_) {
            return;
        }
        stats_.ping.unanswered += static_cast<int64_t>(pending_.size());
        markUnanswered(pending_.begin(), pending_.end());
        pending_.clear();
        keepalive_.endSession();
        auto row = rows_.find(*current_);
        if (row != rows_.end() && row->second.duration_us) {
            noteSilence(lastT_, *row->second.duration_us);
        }
        current_.reset();
    }

    void countName(const FrameSummary& f) {
        if (f.name.empty()) {
            return;
        }
        if (f.kind == Kind::Event) {
            ++events_[f.name];
        } else if (f.kind == Kind::Command) {
            ++commands_[f.name];
        }
    }

    // A pong answers the latest pending ping from the other side with the same payload; older
    // pending ones with that payload stay unanswered (RFC 6455 5.5.3 lets a peer answer only the
    // most recent ping).
    void notePing(const FrameSummary& f) {
        if (f.op == Opcode::Ping) {
            ++stats_.ping.pings;
            pending_.push_back({f.dir, f.payload, f.t_us, f.seq});
            return;
        }
        if (f.op != Opcode::Pong) {
            return;
        }
        auto answered = std::find_if(pending_.rbegin(), pending_.rend(), [&](const PendingPing& p) {
            return p.dir != f.dir && p.payload == f.payload;
        });
        if (answered == pending_.rend()) {
            ++stats_.ping.unsolicitedPongs;
            return;
        }
        rtts_.push_back(f.t_us - answered->t_us);
        markPing(*answered, f.t_us - answered->t_us);
        auto end = answered.base();  // one past the answered ping
        auto superseded = std::stable_partition(pending_.begin(), end, [&](const PendingPing& p) {
            return !(p.dir != f.dir && p.payload == f.payload);
        });
        stats_.ping.unanswered += static_cast<int64_t>(end - superseded) - 1;
        markUnanswered(superseded, end - 1);
        pending_.erase(superseded, end);
    }

    void noteSilence(int64_t from, int64_t to) {
        if (to - from > settings_.gapUs) {
            stats_.gaps.push_back({*current_, lastSeq_, from, to - from});
        }
    }

    void buildRate() {
        if (times_.empty()) {
            return;
        }
        int64_t origin = stats_.session ? 0 : *std::min_element(times_.begin(), times_.end());
        int64_t span = *std::max_element(times_.begin(), times_.end()) - origin;
        if (stats_.session) {
            auto row = rows_.find(*stats_.session);
            if (row != rows_.end() && row->second.duration_us) {
                span = std::max(span, *row->second.duration_us);
            }
        }
        span = std::max<int64_t>(span, 0);
        RateSeries& rate = stats_.rate;
        rate.bucket_us = bucketWidthUs(span, settings_.maxBuckets);
        rate.counts.assign(static_cast<size_t>(span / rate.bucket_us + 1), 0);
        for (int64_t t : times_) {
            // A negative offset (a file's clock went backwards) counts in the first bucket.
            int64_t bucket = std::clamp<int64_t>((t - origin) / rate.bucket_us, 0,
                                                 static_cast<int64_t>(rate.counts.size()) - 1);
            ++rate.counts[static_cast<size_t>(bucket)];
        }
    }

    void buildEndings() {
        if (stats_.session) {
            auto row = rows_.find(*stats_.session);
            if (row != rows_.end()) {
                stats_.ending = endingOf(row->second);
            }
            return;
        }
        std::unordered_map<std::string, int64_t> counts;
        for (const auto& [id, row] : rows_) {
            ++counts[endingLabel(endingOf(row))];
        }
        stats_.endings = sortedCounts(counts);
    }

    void markPing(const PendingPing& ping, std::optional<int64_t> rtt) {
        if (timeline_) {
            timeline_->keepalives.push_back({"ping", ping.t_us, ping.seq, rtt});
        }
    }

    template <typename It>
    void markUnanswered(It from, It to) {
        for (It p = from; p != to; ++p) {
            markPing(*p, std::nullopt);
        }
    }

    void noteTimeline(const FrameSummary& f) {
        if (f.op == Opcode::Close) {
            int code = closeCodeOf(f.payload, -1);
            timeline_->closes.push_back({f.t_us, f.seq, f.dir, code < 0 ? std::nullopt : std::optional<int>(code),
                                         std::string(closeReasonOf(f.payload))});
        }
        named_.push_back({f.t_us, f.name});
    }

    // Frames per bucket for the most frequent names (frames without a name count as "(other)"
    // with the rest), keepalives in the order they were sent.
    void buildTimeline() {
        if (!timeline_) {
            return;
        }
        auto row = rows_.find(*stats_.session);
        int64_t span = lastT_;
        if (row != rows_.end()) {
            timeline_->start_us = row->second.started_wall_us;
            span = std::max(span, row->second.duration_us.value_or(0));
        }
        timeline_->end_us = timeline_->start_us + span;
        timeline_->bucket_us = timelineWidthUs(span, settings_.timelineBuckets);
        const size_t buckets = static_cast<size_t>(span / timeline_->bucket_us + 1);
        std::unordered_map<std::string, int64_t> totals;
        for (const auto& [t, name] : named_) {
            ++totals[name];
        }
        std::unordered_map<std::string, size_t> series;
        for (const NameCount& c : sortedCounts(totals)) {
            if (!c.name.empty() && series.size() < settings_.timelineNames) {
                series.emplace(c.name, timeline_->names.size());
                timeline_->names.push_back({c.name, std::vector<int64_t>(buckets, 0)});
            }
        }
        const size_t other = timeline_->names.size();
        timeline_->names.push_back({"(other)", std::vector<int64_t>(buckets, 0)});
        for (const auto& [t, name] : named_) {
            auto it = series.find(name);
            size_t bucket = static_cast<size_t>(std::clamp<int64_t>(t / timeline_->bucket_us, 0, buckets - 1));
            ++timeline_->names[it == series.end() ? other : it->second].counts[bucket];
        }
        std::stable_sort(timeline_->keepalives.begin(), timeline_->keepalives.end(),
                         [](const KeepaliveMark& a, const KeepaliveMark& b) { return a.seq < b.seq; });
        stats_.timeline = std::move(timeline_);
    }

    const SessionStatsSettings& settings_;
    const std::map<int64_t, SessionRow>& rows_;
    SessionStats stats_;
    std::set<int64_t> seen_;
    std::optional<int64_t> current_;
    int64_t lastT_ = 0;
    int64_t lastSeq_ = 0;
    std::optional<SessionTimeline> timeline_;
    std::vector<std::pair<int64_t, std::string>> named_;  // t_us and name of each frame (timeline)
    std::vector<PendingPing> pending_;
    KeepaliveCounter keepalive_;
    std::vector<int64_t> times_, holds_, rtts_;
    std::unordered_map<std::string, int64_t> events_, commands_;
};

}  // namespace

SessionEnding endingOf(const SessionRow& row) {
    SessionEnding ending;
    ending.ended = row.ended_wall_us.has_value();
    ending.close_code = row.close_code;
    ending.close_reason = row.close_reason;
    ending.closed_by = row.closed_by;
    ending.error = row.error;
    ending.http_status = row.http_status;
    ending.duration_us = row.duration_us;
    return ending;
}

std::optional<SessionStats> computeSessionStats(Reader& reader, std::optional<int64_t> sessionId,
                                                const SessionStatsSettings& settings) {
    std::map<int64_t, SessionRow> rows;
    if (sessionId) {
        if (std::optional<SessionRow> row = reader.session(*sessionId)) {
            rows.emplace(row->id, std::move(*row));
        }
    } else {
        for (SessionRow& row : reader.sessions()) {
            rows.emplace(row.id, std::move(row));
        }
    }
    Accumulator accumulator(settings, sessionId, rows, reader.systemPingCalls(sessionId));
    bool anyFrame = false;
    reader.frameSummaries(sessionId, [&](const FrameSummary& f) {
        anyFrame = true;
        accumulator.add(f);
        return true;
    });
    if (sessionId && rows.empty() && !anyFrame) {
        return std::nullopt;
    }
    return accumulator.finish();
}

std::string endingLabel(const SessionEnding& ending) {
    if (!ending.ended) {
        return "open";
    }
    std::string label;
    if (ending.close_code) {
        label = std::to_string(*ending.close_code);
        if (!ending.closed_by.empty()) {
            label += " by " + ending.closed_by;
        }
    } else if (ending.http_status && *ending.http_status != 101) {
        label = "http " + std::to_string(*ending.http_status);
    } else {
        label = "no close frame";
    }
    if (!ending.error.empty()) {
        label += ": " + ending.error;
    }
    return label;
}

}  // namespace rtmtap
