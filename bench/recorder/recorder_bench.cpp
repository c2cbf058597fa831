// Recorder throughput: N frames of ~500 B, RTM JSON as a proxy sees it, from S sessions
// interleaved, pushed through Recorder (queue, classification, SQLite) until flush() returns.
// Not a test: prints one figure, rows per second, end to end.
//   recorder_bench [--frames N] [--sessions S] [--size B] [--db FILE] [--keep]
#include "protocol/Classifier.h"
#include "store/Recorder.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <vector>

using namespace rtmtap;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    long frames = 1'000'000;
    int sessions = 100;
    size_t size = 500;
    std::string db = "recorder_bench.db";
    bool keep = false;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        bool hasValue = i + 1 < argc;
        if (arg == "--frames" && hasValue) {
            o.frames = std::atol(argv[++i]);
        } else if (arg == "--sessions" && hasValue) {
            o.sessions = std::atoi(argv[++i]);
        } else if (arg == "--size" && hasValue) {
            o.size = static_cast<size_t>(std::atol(argv[++i]));
        } else if (arg == "--db" && hasValue) {
            o.db = argv[++i];
        } else if (arg == "--keep") {
            o.keep = true;
        } else {
            std::fprintf(stderr, "usage: recorder_bench [--frames N] [--sessions S] [--size B] [--db FILE] [--keep]\n");
            std::exit(2);
        }
    }
    return o;
}

// A chat.postMessage event padded to about `size` bytes, as the real server sends them.
std::string eventPayload(long i, size_t size) {
    std::string head = R"({"meta":{"api":"v1","emitted_on":1571330672.123456},"event":"chat.postMessage",)"
                       R"("payload":{"message":{"id":)" + std::to_string(100000 + i) +
                       R"(,"user_id":91000001,"channel_id":)" + std::to_string(11010000 + i % 50) +
                       R"(,"display_name":"Alice","message_type":0,"is_edited":false,"content":")";
    std::string tail = R"("}}})";
    size_t room = size > head.size() + tail.size() ? size - head.size() - tail.size() : 1;
    return head + std::string(room, 'x') + tail;
}

std::string commandPayload(long i) {
    return R"({"command":"ws_read_notification","channel_id":")" + std::to_string(11010000 + i % 50) +
           R"(","message_id":)" + std::to_string(100000 + i) + "}";
}

// CPU seconds of the whole process (all threads): on a shared machine this is steadier than wall time.
double cpuSeconds() {
    struct rusage usage {};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double seconds(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double>(to - from).count();
}

// The relay pauses its senders while the recorder is behind; this producer waits the same way,
// so the queue holds at most its limit.
void waitUntilOpen(Backpressure& gate) {
    if (gate.open()) {
        return;
    }
    std::mutex mutex;
    std::condition_variable opened;
    uint64_t id = gate.subscribe([&] {
        std::lock_guard<std::mutex> lock(mutex);
        opened.notify_all();
    });
    {
        std::unique_lock<std::mutex> lock(mutex);
        opened.wait(lock, [&] { return gate.open(); });
    }
    gate.unsubscribe(id);
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove((o.db + suffix).c_str());
    }
    // Payloads are made before the clock starts: the bench measures the recorder, not snprintf.
    std::vector<std::string> payloads;
    payloads.reserve(1000);
    for (long i = 0; i < 1000; ++i) {
        payloads.push_back(i % 10 == 9 ? commandPayload(i) : eventPayload(i, o.size));
    }

    auto classifyStart = Clock::now();
    size_t named = 0;
    for (long i = 0; i < o.frames; ++i) {
        named += !classify(payloads[i % payloads.size()]).name.empty();
    }
    double classifySeconds = seconds(classifyStart, Clock::now());

    RecorderOptions options;
    options.dbPath = o.db;
    Recorder recorder(options);
    std::vector<int64_t> seq(o.sessions, 0);
    Message m;
    double cpuStart = cpuSeconds();
    auto start = Clock::now();
    for (int s = 0; s < o.sessions; ++s) {
        SessionInfo info;
        info.id = s + 1;
        info.client = "127.0.0.1:" + std::to_string(40000 + s);
        info.upstream = "ws://127.0.0.1:9001/";
        recorder.onSessionStart(info);
    }
    for (long i = 0; i < o.frames; ++i) {
        int s = static_cast<int>(i % o.sessions);
        m.session = s + 1;
        m.seq = ++seq[s];
        m.dir = i % 10 == 9 ? Direction::ClientToServer : Direction::ServerToClient;
        m.t_us = i;
        m.fwd_us = i + 20;
        m.wall_us = 1'764'000'000'000'000 + i;
        m.payload = payloads[i % payloads.size()];
        m.size = m.payload.size();
        recorder.onMessage(m);
        waitUntilOpen(*recorder.backpressure());
    }
    auto queued = Clock::now();
    recorder.flush();
    auto done = Clock::now();
    double cpu = cpuSeconds() - cpuStart;
    RecorderStats stats = recorder.stats();
    recorder.close();

    struct stat st {};
    ::stat(o.db.c_str(), &st);
    double total = seconds(start, done);
    std::printf("recorder_bench: %ld frames of ~%zu B over %d sessions\n", o.frames, o.size, o.sessions);
    std::printf("  end to end (onMessage .. flush):  %.2f s  %.0f rows/s\n", total, o.frames / total);
    std::printf("  CPU, all threads:                 %.2f s  %.2f us a row (%.0f rows per CPU second)\n", cpu,
                cpu * 1e6 / o.frames, o.frames / cpu);
    std::printf("  producer side (onMessage only):   %.2f s  (the recorder fell behind %llu times)\n",
                seconds(start, queued), static_cast<unsigned long long>(stats.timesBehind));
    std::printf("  classify() alone, same payloads:  %.0f frames/s (%zu named)\n", o.frames / classifySeconds, named);
    std::printf("  written %llu, lost %llu, write stalls %llu, database %.1f MiB\n",
                static_cast<unsigned long long>(stats.recordsWritten), static_cast<unsigned long long>(stats.recordsLost),
                static_cast<unsigned long long>(stats.writeStalls), st.st_size / (1024.0 * 1024.0));
    if (!o.keep) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::remove((o.db + suffix).c_str());
        }
    }
    return stats.recordsLost == 0 ? 0 : 1;
}
