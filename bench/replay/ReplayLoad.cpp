#include "ReplayLoad.h"

#include "../client/Modes.h"
#include "../src/WsFrame.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace rtmtap::bench {
namespace {

std::string speedText(const LoadOptions& o) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", o.speed);
    return o.noTiming ? "none" : text;
}

}  // namespace

ReplayLoad::ReplayLoad(const ReplayTimeline& timeline, LoadOptions options)
    : timeline_(timeline), o_(std::move(options)), clients_(size_t(o_.clients)) {}

// As replay/Scheduler computes it: origin + offset / speed, rounded; exact at speed 1.
int64_t ReplayLoad::dueUs(const Client& k, const TimelineFrame& f) const {
    if (o_.noTiming) {
        return k.authUs;
    }
    return k.authUs + (o_.speed == 1.0 ? f.offsetUs : std::llround(double(f.offsetUs) / o_.speed));
}

void ReplayLoad::onMessage(ClientConn& c, uint8_t op, const char*, size_t size) {
    arrived(c, op, size);
}

void ReplayLoad::onControl(ClientConn& c, uint8_t op, const char*, size_t size) {
    arrived(c, op, size);
}

void ReplayLoad::arrived(ClientConn& c, uint8_t op, size_t size) {
    Client& k = clients_[size_t(c.index)];
    const std::vector<TimelineFrame>& frames = timeline_.frames();
    if (k.next >= frames.size()) {
        ++mismatched_;  // more than the recording holds
        return;
    }
    const TimelineFrame& f = frames[k.next];
    if (f.op != op || f.size != size) {
        if (firstMismatch_.empty()) {
            char line[160];
            std::snprintf(line, sizeof line, "client %d, frame %zu: opcode %u of %zu bytes, expected opcode %u of %zu",
                          c.index, k.next, unsigned(op), size, unsigned(f.op), f.size);
            firstMismatch_ = line;
        }
        ++mismatched_;
    }
    const int64_t due = dueUs(k, f);
    k.errorsUs.push_back(c.arrivedUs - due);
    k.readErrorsUs.push_back(c.readUs - due);
    k.lastUs = c.arrivedUs;
    if (++k.next == frames.size()) {
        ++done_;
    }
}

bool ReplayLoad::allDone() const {
    return done_ == clients_.size();
}

bool ReplayLoad::settled(ClientLoop& loop) const {
    for (auto& c : loop.conns()) {
        if (c->state != ClientConn::State::Closed && clients_[size_t(c->index)].next < timeline_.frames().size()) {
            return false;
        }
    }
    return true;
}

int ReplayLoad::run() {
    ClientLoop loop(o_.target, *this);
    loop.stampArrivals();
    const int64_t t0 = nowUs();
    const int64_t bound = int64_t(o_.timeoutSeconds * 1e6);
    loop.open(o_.clients, 0);
    const ClientCounters& k = loop.counters();
    const uint64_t want = uint64_t(o_.clients);
    if (!loop.runUntil([&] { return k.opened + k.failed >= want; }, t0 + bound) || k.opened != want) {
        std::fprintf(stderr, "bench_replay_client: %llu of %d connections opened: %s\n", (unsigned long long)k.opened,
                     o_.clients, loop.firstError().c_str());
        return 1;
    }
    // Every connection is open: now the ws_auth of each, back to back, each timed as it is written.
    for (auto& c : loop.conns()) {
        std::string auth = "{\"command\":\"ws_auth\",\"auth_token\":\"" + jwtLikeToken(c->index) + "\"}";
        clients_[size_t(c->index)].authUs = nowUs();
        loop.sendNow(*c, OpText, auth.data(), auth.size());
    }
    const double span = o_.noTiming ? 0 : double(timeline_.spanUs()) / o_.speed;
    const int64_t deadline = nowUs() + int64_t(span) + bound;
    // Until every client has every frame or its connection ended (the replay drops it where the
    // recorded server did; an early end leaves frames that report() counts as missing).
    bool finished = loop.runUntil([&] { return allDone() || settled(loop); }, deadline);
    finished = finished && allDone();
    loop.closeAll(nowUs() + 10'000'000);
    return report(finished, loop);
}

// Pools every client's errors. A client's smallest error is its start delay: how long after its
// ws_auth left the replay's first frame could reach it at the earliest (the ws_auth's way in, the
// replay's start, one send); errors less that delay show the spacing of the frames alone.
ReplayLoad::Figures ReplayLoad::figures() {
    Figures f;
    std::vector<int64_t> all, read, spacing, worst, starts;
    int64_t firstAuth = INT64_MAX, lastAuth = 0, lastArrival = 0;
    for (Client& c : clients_) {
        f.received += c.errorsUs.size();
        f.missing += timeline_.frames().size() - std::min(c.next, timeline_.frames().size());
        all.insert(all.end(), c.errorsUs.begin(), c.errorsUs.end());
        read.insert(read.end(), c.readErrorsUs.begin(), c.readErrorsUs.end());
        std::sort(c.errorsUs.begin(), c.errorsUs.end());
        if (!c.errorsUs.empty()) {
            starts.push_back(c.errorsUs.front());
            for (int64_t e : c.errorsUs) {
                spacing.push_back(e - c.errorsUs.front());
            }
        }
        worst.push_back(percentile(c.errorsUs, 99));
        firstAuth = std::min(firstAuth, c.authUs);
        lastAuth = std::max(lastAuth, c.authUs);
        lastArrival = std::max(lastArrival, c.lastUs);
    }
    std::sort(worst.begin(), worst.end());
    std::sort(starts.begin(), starts.end());
    std::sort(spacing.begin(), spacing.end());
    f.worstClientP99 = worst.empty() ? 0 : worst.back();
    f.startMedian = percentile(starts, 50);
    f.startMax = starts.empty() ? 0 : starts.back();
    f.spacingP99 = percentile(spacing, 99);
    f.seconds = lastArrival > firstAuth ? double(lastArrival - firstAuth) / 1e6 : 0;
    f.perSecond = f.seconds > 0 ? double(f.received) / f.seconds : 0;
    f.authSpread = lastAuth - firstAuth;
    f.errors = latencySummary(all, "error_");
    f.readErrors = latencySummary(read, "read_error_");
    return f;
}

int ReplayLoad::report(bool finished, const ClientLoop& loop) {
    const Figures f = figures();
    const bool ok = finished && f.missing == 0 && mismatched_ == 0;
    std::printf("replay: %d client(s), %s, %zu frames each (%s): %llu received, %llu missing, %llu out of place\n",
                o_.clients, o_.noTiming ? "--no-timing" : ("speed " + speedText(o_)).c_str(),
                timeline_.frames().size(), timeline_.describe().c_str(), (unsigned long long)f.received,
                (unsigned long long)f.missing, (unsigned long long)mismatched_);
    if (!firstMismatch_.empty()) {
        std::printf("  first out of place: %s\n", firstMismatch_.c_str());
    }
    if (!loop.firstError().empty()) {
        std::printf("  first connection error: %s\n", loop.firstError().c_str());
    }
    std::printf("  scheduling error seen by the clients (µs): %s, worst client's p99 %lld\n", f.errors.c_str(),
                (long long)f.worstClientP99);
    std::printf("  start delay (each client's smallest error) median %lld µs, max %lld µs; p99 less it %lld µs\n",
                (long long)f.startMedian, (long long)f.startMax, (long long)f.spacingP99);
    std::printf("  the same by the time each read returned (µs): %s\n", f.readErrors.c_str());
    std::printf("  %.0f frames/s from the first ws_auth to the last frame (%.3f s); ws_auth spread %lld µs\n",
                f.perSecond, f.seconds, (long long)f.authSpread);
    std::printf("RESULT mode=replay ok=%d clients=%d speed=%s frames=%zu received=%llu missing=%llu mismatched=%llu "
                "%s %s worst_client_p99_us=%lld start_median_us=%lld start_max_us=%lld spacing_p99_us=%lld "
                "frames_per_s=%.0f seconds=%.3f auth_spread_us=%lld\n",
                ok ? 1 : 0, o_.clients, speedText(o_).c_str(), timeline_.frames().size(),
                (unsigned long long)f.received, (unsigned long long)f.missing, (unsigned long long)mismatched_,
                f.errors.c_str(), f.readErrors.c_str(), (long long)f.worstClientP99, (long long)f.startMedian,
                (long long)f.startMax, (long long)f.spacingP99, f.perSecond, f.seconds, (long long)f.authSpread);
    return ok ? 0 : 1;
}

}  // namespace rtmtap::bench
