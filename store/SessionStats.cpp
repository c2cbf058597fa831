#include "SessionStats.h"

#include "KeepaliveCounter.h"

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

struct PendingPing {
    Direction dir;
    std::string payload;
    int64_t t_us;
};

// Takes frames session by session, each in seq order, and keeps only what the report needs.
class Accumulator {
public:
    Accumulator(const SessionStatsSettings& settings, std::optional<int64_t> session,
                const std::map<int64_t, SessionRow>& rows, std::vector<SystemPingCall> systemPings)
        : settings_(settings), rows_(rows), keepalive_(std::move(systemPings)) {
        stats_.session = session;
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
        return std::move(stats_);
    }

private:
    void startSession(int64_t id) {
        current_ = id;
        seen_.insert(id);
        lastT_ = 0;  // the session began at t_us 0: a late first frame is a silence too
        pending_.clear();
        keepalive_.startSession(id);
    }

    // Pings still pending never got a pong; the silence up to the end is one too.
    void endSession() {
        if (!current_) {
            return;
        }
        stats_.ping.unanswered += static_cast<int64_t>(pending_.size());
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
            pending_.push_back({f.dir, f.payload, f.t_us});
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
        auto end = answered.base();  // one past the answered ping
        auto superseded = std::remove_if(pending_.begin(), end, [&](const PendingPing& p) {
            return p.dir != f.dir && p.payload == f.payload;
        });
        stats_.ping.unanswered += static_cast<int64_t>(end - superseded) - 1;
        pending_.erase(superseded, end);
    }

    void noteSilence(int64_t from, int64_t to) {
        if (to - from > settings_.gapUs) {
            stats_.gaps.push_back({*current_, from, to - from});
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

    const SessionStatsSettings& settings_;
    const std::map<int64_t, SessionRow>& rows_;
    SessionStats stats_;
    std::set<int64_t> seen_;
    std::optional<int64_t> current_;
    int64_t lastT_ = 0;
    std::vector<PendingPing> pending_;
    KeepaliveCounter keepalive_;
    std::vector<int64_t> times_, holds_, rtts_;
    std::unordered_map<std::string, int64_t> events_, commands_;
};

}  // namespace

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
