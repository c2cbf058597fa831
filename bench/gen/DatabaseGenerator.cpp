#include "DatabaseGenerator.h"

#include "store/SessionImporter.h"
#include "store/TextIndex.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace rtmtap::gen {

namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kSpanUs = 7 * kDay;

std::string withCommas(int64_t n) {
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
        digits.insert(static_cast<size_t>(i), ",");
    }
    return digits;
}

}  // namespace

DatabaseGenerator::DatabaseGenerator(GenOptions options) : o_(std::move(options)), tty_(::isatty(2) == 1) {}

std::string DatabaseGenerator::check(const GenOptions& o) {
    if (o.sessions < 1) {
        return "--sessions must be at least 1";
    }
    if (o.bigSession < kMinSessionFrames) {
        return "--big-session must be at least " + std::to_string(kMinSessionFrames);
    }
    if (o.bigSpanSeconds < 0 || o.burstEverySeconds < 0 || o.burstFrames < 0) {
        return "--big-span, --burst-every and --burst-frames cannot be negative";
    }
    if (o.sessions == 1 && o.frames != o.bigSession) {
        return "with one session, --frames must equal --big-session";
    }
    if (o.frames < o.bigSession + kMinSessionFrames * (o.sessions - 1)) {
        return "--frames must be at least --big-session + " + std::to_string(kMinSessionFrames) +
               " frames for each other session (" + withCommas(o.bigSession + kMinSessionFrames * (o.sessions - 1)) +
               ")";
    }
    return "";
}

// The other sessions share what the big one leaves, log-normally: most are a few thousand
// frames, a few ten times more, as a day's connections of real clients are.
std::vector<int64_t> DatabaseGenerator::frameCounts(Rng& rng) const {
    size_t others = static_cast<size_t>(o_.sessions - 1);
    std::vector<double> weights(others);
    double sum = 0;
    for (double& w : weights) {
        w = std::exp(0.8 * rng.normal());
        sum += w;
    }
    int64_t spare = o_.frames - o_.bigSession - kMinSessionFrames * static_cast<int64_t>(others);
    std::vector<int64_t> counts(others, kMinSessionFrames);
    int64_t given = 0;
    for (size_t i = 0; i < others; ++i) {
        int64_t extra = static_cast<int64_t>(std::floor(weights[i] / sum * static_cast<double>(spare)));
        counts[i] += extra;
        given += extra;
    }
    for (size_t i = 0; given < spare; i = (i + 1) % others) {
        ++counts[i];
        ++given;
    }
    return counts;
}

std::vector<SessionPlan> DatabaseGenerator::plan(const TrafficPools& pools) {
    Rng rng(o_.seed * 0x9e3779b97f4a7c15ULL + 7);
    std::vector<int64_t> counts = frameCounts(rng);
    size_t big = counts.size() / 2;
    counts.insert(counts.begin() + static_cast<std::ptrdiff_t>(big), o_.bigSession);
    std::vector<SessionPlan> plans;
    plans.reserve(counts.size());
    for (size_t i = 0; i < counts.size(); ++i) {
        SessionPlan p;
        p.frames = counts[i];
        p.big = i == big;
        // Busy sessions see a frame every 40 ms, quiet ones one every 1.5 s (the keep-alives
        // come on top); the big one is a busy client left open for hours.
        p.gapUs = p.big ? 150'000.0 : std::exp(std::log(40'000.0) + rng.uniform() * std::log(1'500'000.0 / 40'000.0));
        if (p.big) {
            bigSessionPace(p);
        }
        double length = p.gapUs * static_cast<double>(p.frames) * 1.1;
        if (length > 6.0 * kDay) {
            p.gapUs *= 6.0 * kDay / length;
            length = 6.0 * kDay;
        }
        int64_t first = o_.nowWallUs - kSpanUs;
        int64_t last = std::max(first, o_.nowWallUs - static_cast<int64_t>(length) - 60 * kSecond);
        p.startWallUs = rng.between(first, last);
        p.user = pools.drawUser(rng).id;
        int64_t n = rng.between(5, TrafficPools::kMaxSessionChannels);
        for (int tries = 0; static_cast<int64_t>(p.channels.size()) < n && tries < 1000; ++tries) {
            int64_t c = pools.drawChannel(rng);
            if (std::find(p.channels.begin(), p.channels.end(), c) == p.channels.end()) {
                p.channels.push_back(c);
            }
        }
        plans.push_back(std::move(p));
    }
    // Ids in the order the sessions began, as a recorder would have numbered them.
    std::stable_sort(plans.begin(), plans.end(),
                     [](const SessionPlan& a, const SessionPlan& b) { return a.startWallUs < b.startWallUs; });
    return plans;
}

// --big-span, --burst-* and --big-client-closes: the big session's pace, bursts and end.
void DatabaseGenerator::bigSessionPace(SessionPlan& p) const {
    p.clientCloses = o_.bigClientCloses;
    if (o_.burstEverySeconds > 0 && o_.burstFrames > 0) {
        p.burstEveryUs = o_.burstEverySeconds * kSecond;
        p.burstFrames = o_.burstFrames;
    }
    if (o_.bigSpanSeconds > 0) {
        double bursts = p.burstEveryUs > 0 ? std::floor(o_.bigSpanSeconds / o_.burstEverySeconds) : 0;
        double steady = std::max(1.0, static_cast<double>(p.frames) - bursts * static_cast<double>(p.burstFrames));
        p.gapUs = o_.bigSpanSeconds * kSecond / steady;
    }
}

std::string DatabaseGenerator::run() {
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

    TrafficPools pools(o_.seed);
    std::vector<SessionPlan> plans = plan(pools);
    // One hour in the middle of the week, on the hour: the benchmark's --since/--until.
    int64_t middle = o_.nowWallUs - kSpanUs / 2;
    middle -= middle % kHour;
    GenFacts facts(TrafficPools::kFirstChannel, TrafficPools::kChannels, TrafficPools::kFirstUser,
                   TrafficPools::kUsers, middle, middle + kHour);
    SessionTraffic traffic(pools, facts, o_.seed, o_.frames);

    RunFigures run;
    run.db = o_.db;
    run.sessions = static_cast<int64_t>(plans.size());
    run.bigSessionFrames = o_.bigSession;
    std::unique_ptr<SessionImporter> importer;
    int64_t inChunk = 0;
    auto commit = [&] {
        importer->commit();
        importer.reset();
        inChunk = 0;
    };
    for (const SessionPlan& p : plans) {
        if (!importer) {
            importer = std::make_unique<SessionImporter>(o_.db);
        }
        int64_t id = traffic.write(p, *importer);
        if (p.big) {
            run.bigSession = id;
        }
        inChunk += p.frames;
        if (inChunk >= o_.chunkFrames) {
            commit();
        }
        progress(facts.frames(), elapsed(), false);
    }
    if (importer) {
        commit();
    }
    // The full-text index, as the first --text query (or an idle recorder) would build it.
    TextIndex::catchUp(o_.db);
    run.seconds = elapsed();
    progress(facts.frames(), run.seconds, true);
    struct stat st {};
    if (::stat(o_.db.c_str(), &st) == 0) {
        run.fileBytes = st.st_size;
    }
    return facts.json(run);
}

// On a terminal one line redrawn a few times a second; otherwise a line every few seconds.
void DatabaseGenerator::progress(int64_t frames, double seconds, bool last) {
    double every = tty_ ? 0.25 : 10.0;
    if (!last && lastProgress_ >= 0 && seconds - lastProgress_ < every) {
        return;
    }
    lastProgress_ = seconds;
    double rate = seconds > 0 ? frames / seconds : 0;
    std::fprintf(stderr, "%srtmtap_gen: %s / %s frames (%.0f%%), %.0f s, %s frames/s%s", tty_ ? "\r" : "",
                 withCommas(frames).c_str(), withCommas(o_.frames).c_str(), 100.0 * frames / o_.frames, seconds,
                 withCommas(static_cast<int64_t>(rate)).c_str(), tty_ && !last ? "  " : "\n");
}

}  // namespace rtmtap::gen
