// `rtmtap replay SOURCE` without --to: serve the recorded server side to clients under test.
#include "LivePrinter.h"
#include "ProxyCommand.h"
#include "ReplayCommand.h"
#include "ReplayPatch.h"
#include "ReplayReport.h"
#include "StopSignals.h"
#include "protocol/Clock.h"
#include "protocol/TapFanout.h"
#include "replay/ApiReplay.h"
#include "replay/ReplayPlan.h"
#include "replay/ReplayServer.h"
#include "replay/StepGate.h"
#include "store/Recorder.h"
#include "replay/RecordingLoader.h"

#include <Poco/Exception.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

constexpr int kSliceMs = 50;

std::string planSummary(const Recording& rec, const ReplayPlan& plan) {
    int64_t last = 0;
    for (const PlannedFrame& f : plan.frames) {
        last = std::max(last, f.offsetUs);
    }
    char span[32];
    std::snprintf(span, sizeof(span), "%.1f s", last / 1e6);
    std::string out = "replaying " + rec.describe + ": " + std::to_string(plan.frames.size()) + " server frames over " + span;
    if (size_t held = plan.heldCount()) {
        out += ", " + std::to_string(held) + " held until their command";
    }
    return out;
}

// Everything one serving run needs, in the order it must be torn down (server before taps).
struct Serving {
    std::unique_ptr<Recorder> recorder;
    std::unique_ptr<LivePrinter> live;
    std::unique_ptr<TapFanout> taps;
    std::unique_ptr<ReplayServer> server;
    std::unique_ptr<ApiReplay> api;
};

}  // namespace

int runReplayServe(const ReplayOptions& o, std::ostream& out, std::ostream& err, StopSignals& stop) {
    std::string host;
    uint16_t port = 0;
    if (!parseListen(o.listen, host, port)) {
        err << "rtmtap: --listen '" << o.listen << "' is not HOST:PORT" << std::endl;
        return 2;
    }
    std::string notice;
    Recording rec;
    ReplayPlan plan;
    std::unique_ptr<ReplayPatch> patch;
    try {
        patch = std::make_unique<ReplayPatch>(o.patch, err);  // first: a bad rules file opens nothing
        rec = patch->apply(loadRecording(o.source, o.db, o.position, &notice), err);
        plan = buildReplayPlan(rec.frames, rec.end, PlanOptions{o.reactive, o.from});
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << std::endl;
        return 2;
    }
    if (!notice.empty()) {
        err << "rtmtap: " << notice << std::endl;
    }
    const Palette palette(colorEnabled(o.color, STDOUT_FILENO));
    std::mutex outMutex;
    Serving s;
    std::unique_ptr<StepGate> gate;
    try {
        std::vector<Tap*> taps;
        if (o.record) {
            RecorderOptions ro;
            ro.dbPath = o.db;
            s.recorder = std::make_unique<Recorder>(ro);
            taps.push_back(s.recorder.get());
        }
        if (!o.json) {
            s.live = std::make_unique<LivePrinter>(out, palette);
            taps.push_back(s.live.get());
        }
        s.taps = std::make_unique<TapFanout>(taps);
        if (o.step) {
            gate = std::make_unique<StepGate>(std::cin, err);
        }
        ReplayServerConfig config;
        config.host = host;
        config.port = port;
        config.serve.speed = o.speed;
        config.serve.noTiming = o.noTiming;
        config.serve.loop = o.loop;
        config.serve.step = o.step;
        config.serve.authTimeoutMs = o.authTimeoutMs;
        config.expect = o.expect;
        config.replayOf = rec.dbSessionId;
        config.describe = rec.describe;
        config.tap = taps.empty() ? nullptr : s.taps.get();
        if (s.recorder) {
            Recorder* recorder = s.recorder.get();
            config.sessionId = [recorder] { return recorder->nextSessionId(); };
        }
        auto onResult = [&](const ReplayResult& r) {
            if (o.json) {
                return;
            }
            std::lock_guard lock(outMutex);
            out << replayReport(r, palette);
            if (o.expect) {
                out << expectReport(r, palette);
            }
            out << std::flush;
        };
        s.server = std::make_unique<ReplayServer>(plan, config, gate.get(), onResult);
    } catch (const Poco::Exception& e) {
        err << "rtmtap: cannot listen on " << o.listen << ": " << e.displayText() << std::endl;
        return 2;
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << std::endl;
        return 2;
    }
    try {
        if (!o.apiListen.empty()) {
            std::string apiHost;
            uint16_t apiPort = 0;
            if (!parseListen(o.apiListen, apiHost, apiPort)) {
                err << "rtmtap: --api-listen '" << o.apiListen << "' is not HOST:PORT" << std::endl;
                return 2;
            }
            auto log = [&](const std::string& line) {
                if (!o.json) {
                    std::lock_guard lock(outMutex);
                    out << "  " << line << std::endl;
                }
            };
            s.api = std::make_unique<ApiReplay>(apiHost, apiPort, rec.apiCalls, s.server->url(), log);
            s.api->start();
        }
        s.server->start();
    } catch (const Poco::Exception& e) {
        err << "rtmtap: cannot listen on " << o.apiListen << ": " << e.displayText() << std::endl;
        return 2;
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << std::endl;
        return 2;
    }
    {
        std::lock_guard lock(outMutex);
        out << "rtmtap: listening on " << s.server->url() << " (" << planSummary(rec, plan) << ")";
        if (s.api) {
            out << ", API " << s.api->url() << " (" << s.api->callCount() << " recorded calls)";
        }
        out << std::endl;
    }
    const int64_t deadline = o.duration > 0 ? Clock::system().monotonicUs() + static_cast<int64_t>(o.duration * 1e6) : INT64_MAX;
    while (!stop.waitFor(kSliceMs) && !s.server->waitDone(0) && Clock::system().monotonicUs() < deadline) {
    }
    if (s.api) {
        s.api->stop();
    }
    s.server->stop();
    std::vector<ReplayResult> results = s.server->results();
    if (s.recorder) {
        s.recorder->close();
    }
    patch->report(err);
    if (o.json) {
        out << replayJson(results, o.expect) << std::endl;
    }
    if (gate) {
        gate.release();  // its reader may sit in a read of the terminal: left to the process's end
    }
    if (!o.expect) {
        return 0;
    }
    if (results.empty()) {
        err << "rtmtap: --expect: no client connected to " << s.server->url() << std::endl;
        return 2;
    }
    const ReplayResult& r = results.front();
    return hasDifferences(r.diff) || !r.clean ? 1 : 0;
}

}  // namespace rtmtap::cli
