// `rtmtap replay SOURCE --to URL`: re-send the recorded client side to a server, with N clients at
// once, and report what they got (replay/ClientReplay.h says how one client plays).
#include "ReplayCommand.h"
#include "ReplayPatch.h"
#include "ReplaySendReport.h"
#include "StopSignals.h"
#include "replay/ClientReplay.h"
#include "store/Recorder.h"
#include "replay/RecordingLoader.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

constexpr int kSliceMs = 50;

std::string planSummary(const Recording& rec, const ClientPlan& plan, const ReplayOptions& o) {
    int64_t events = 0;
    for (const auto& [name, count] : plan.events) {
        events += count;
    }
    char span[32];
    std::snprintf(span, sizeof(span), "%.1f s", plan.endUs / 1e6);
    return "rtmtap: replaying " + rec.describe + " to " + o.to + ": " + std::to_string(plan.sends.size()) +
           " commands over " + span + ", " + std::to_string(events) + " events expected; " + std::to_string(o.clients) +
           (o.clients == 1 ? " client" : " clients");
}

ClientReplayOptions clientOptions(const ReplayOptions& o, const Recording& rec, const EventCompare* compare) {
    ClientReplayOptions c;
    c.url = o.to;
    c.token = o.token;
    c.api = o.api;
    c.user = o.user;
    c.password = o.password;
    c.speed = o.speed;
    c.noTiming = o.noTiming;
    c.reactive = o.reactive;
    c.waitMs = o.reactiveTimeoutMs;
    c.client.timeoutMs = o.timeoutMs;
    c.compare = compare;
    c.replayOf = rec.dbSessionId;
    return c;
}

// Runs every client on a thread of its own; SIGINT/SIGTERM cancel them all.
std::vector<ClientReplayResult> runClients(std::vector<std::unique_ptr<ClientReplay>>& clients, StopSignals& stop) {
    std::vector<ClientReplayResult> results(clients.size());
    std::vector<std::thread> threads;
    std::atomic<size_t> done{0};
    for (size_t i = 0; i < clients.size(); ++i) {
        threads.emplace_back([&, i] {
            results[i] = clients[i]->run();
            ++done;
        });
    }
    bool stopped = false;
    while (done < clients.size()) {
        if (!stopped && stop.waitFor(kSliceMs)) {
            stopped = true;
            for (auto& c : clients) {
                c->cancel();
            }
        } else if (stopped) {
            std::this_thread::sleep_for(std::chrono::milliseconds(kSliceMs));
        }
    }
    for (std::thread& t : threads) {
        t.join();
    }
    return results;
}

// The one line that says a run failed: the failure itself for one client, else a count and the first.
std::string failureLine(const std::vector<ClientReplayResult>& results) {
    size_t failed = 0;
    const ClientReplayResult* first = nullptr;
    for (const ClientReplayResult& r : results) {
        if (!r.failure.empty()) {
            first = first ? first : &r;
            ++failed;
        }
    }
    if (!first) {
        return "";
    }
    if (results.size() == 1) {
        return first->failure;
    }
    return std::to_string(failed) + " of " + std::to_string(results.size()) + " clients failed (client " +
           std::to_string(first->client) + ": " + first->failure + ")";
}

}  // namespace

int runReplaySend(const ReplayOptions& o, std::ostream& out, std::ostream& err, StopSignals& stop) {
    std::string notice;
    Recording rec;
    ClientPlan plan;
    std::unique_ptr<EventCompare> compare;
    std::unique_ptr<ReplayPatch> patch;
    try {
        patch = std::make_unique<ReplayPatch>(o.patch, err);  // first: a bad rules file opens nothing
        rec = patch->apply(loadRecording(o.source, o.db, o.position, &notice), err);
        plan = buildClientPlan(rec.frames);
        if (o.expect) {
            compare = std::make_unique<EventCompare>(o.ignore);
        }
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << std::endl;
        return 2;
    }
    if (!notice.empty()) {
        err << "rtmtap: " << notice << std::endl;
    }
    std::unique_ptr<Recorder> recorder;
    if (o.record) {
        try {
            RecorderOptions ro;
            ro.dbPath = o.db;
            recorder = std::make_unique<Recorder>(ro);
        } catch (const std::exception& e) {
            err << "rtmtap: --record: " << e.what() << std::endl;
            return 2;
        }
    }
    const ClientReplayOptions base = clientOptions(o, rec, compare.get());
    std::vector<std::unique_ptr<ClientReplay>> clients;
    for (int i = 1; i <= o.clients; ++i) {
        ClientReplayOptions c = base;
        if (recorder) {
            c.tap = recorder.get();
            c.sessionId = recorder->nextSessionId();
        }
        clients.push_back(std::make_unique<ClientReplay>(i, plan, rec.frames, c));
    }
    if (!o.json) {
        out << planSummary(rec, plan, o) << std::endl;
    }
    std::vector<ClientReplayResult> results = runClients(clients, stop);
    if (recorder) {
        recorder->close();
    }
    patch->report(err);
    const std::string failure = failureLine(results);
    const bool anyConnected = std::any_of(results.begin(), results.end(), [](const auto& r) { return r.connected; });
    if (o.json) {
        out << sendJson(results, o.to, o.expect) << std::endl;
    } else if (anyConnected) {
        const Palette palette(colorEnabled(o.color, STDOUT_FILENO));
        for (const ClientReplayResult& r : results) {
            out << clientReport(r, palette);
        }
        out << latencyReport(results);
        for (const ClientReplayResult& r : results) {
            out << expectEventsReport(r, palette, results.size() > 1);
        }
        out << std::flush;
    }
    if (!failure.empty()) {
        err << "rtmtap: " << failure << std::endl;
        return 2;
    }
    const bool differ = std::any_of(results.begin(), results.end(), [](const auto& r) { return eventDifferences(r) > 0; });
    return differ ? 1 : 0;
}

}  // namespace rtmtap::cli
