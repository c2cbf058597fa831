#pragma once
// Plans the sessions of a run (how many frames each, when, who, which channels), writes them
// through store/SessionImporter in chunks of whole sessions (one transaction for the whole run
// would grow the WAL to the size of the database), shows progress on stderr and returns the
// facts as one JSON object.
#include "SessionTraffic.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::gen {

struct GenOptions {
    std::string db;
    int64_t frames = 10'000'000;
    int64_t sessions = 2'000;
    int64_t bigSession = 100'000;
    int64_t chunkFrames = 200'000;
    uint64_t seed = 1;
    int64_t nowWallUs = 0;  // the newest frame is before this; the oldest session starts 7 days earlier
    // The big session only (the replay benchmark's recording): how long its traffic lasts (0:
    // a frame every 150 ms), and its bursts (SessionPlan).
    double bigSpanSeconds = 0;
    double burstEverySeconds = 0;
    int64_t burstFrames = 0;
    bool bigClientCloses = false;  // the big session ends with the client's close handshake
};

class DatabaseGenerator {
public:
    static constexpr int64_t kMinSessionFrames = 3;

    explicit DatabaseGenerator(GenOptions options);

    // "" when the options can make a database, else why not.
    static std::string check(const GenOptions& options);
    // Throws DatabaseError (or std::runtime_error) on failure; the file is then incomplete.
    std::string run();

private:
    std::vector<SessionPlan> plan(const TrafficPools& pools);
    std::vector<int64_t> frameCounts(Rng& rng) const;
    void bigSessionPace(SessionPlan& p) const;
    void progress(int64_t frames, double seconds, bool last);

    GenOptions o_;
    bool tty_;
    double lastProgress_ = -1;
};

}  // namespace rtmtap::gen
