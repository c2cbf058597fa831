#pragma once
// The lint rules over live traffic (`rtmtap proxy --lint`), off the relay's path. Relay threads
// only queue (a session start, the relay round's shared MessageBatch, an end: no copy, no rule,
// no wait but a short lock); a lint thread of the tap's own keeps one LintEngine per open
// session, all sharing one SessionHistory (engines that share one must be driven from one
// thread), and hands what they find to a LintListener as soon as it is found.
//
// Memory is bounded: the batches queued count their payload bytes against queueLimitBytes (plus
// the one batch an empty queue always takes). A batch that does not fit is not linted, and
// neither is any later frame of its session (the rules need every frame of a session: a missing
// ws_auth would make up findings); the listener hears onSessionDropped for it, and onBehind once
// until the queue has drained to half. Session starts and ends are always queued (one small item
// each), so every engine is ended.
#include "LintEngine.h"
#include "LintListener.h"
#include "protocol/Tap.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace rtmtap {

struct LintTapStats {
    uint64_t framesLinted = 0;
    uint64_t framesSkipped = 0;    // left out while the queue was full, or of a dropped session
    uint64_t sessionsDropped = 0;  // sessions whose linting stopped before their end
    uint64_t findings = 0;
    uint64_t timesBehind = 0;      // times the queue filled
};

class LintTap : public Tap {
public:
    static constexpr size_t kDefaultQueueLimitBytes = 64u << 20;

    // Starts the lint thread. listener must outlive the tap (close() is its last call).
    explicit LintTap(LintListener& listener, size_t queueLimitBytes = kDefaultQueueLimitBytes);
    ~LintTap() override;  // close()

    void onSessionStart(const SessionInfo& info) override;
    void onMessage(const Message& message) override;
    void onMessages(const MessageBatch& batch) override;
    void onSessionEnd(const SessionEnd& end) override;

    // Lints everything queued, ends the sessions still open (as a recording that stopped
    // mid-session), stops the lint thread. Later tap calls are ignored. Idempotent.
    void close();
    LintTapStats stats() const;

private:
    struct Item {
        enum class Kind { Start, Frames, Skip, End } kind = Kind::Start;
        int64_t session = 0;
        int64_t startedWallUs = 0;  // Start
        MessageBatch frames;        // Frames
        size_t bytes = 0;           // Frames: counted against the limit until linted
        LintSessionEnd end;         // End
    };

    void push(Item item);
    bool take(std::vector<Item>& out);
    void release(size_t bytes);
    void run();
    void handle(Item& item);
    // Runs fn; a rule that throws drops the session's linting instead of ending the thread.
    template <typename Fn>
    void guarded(int64_t session, Fn&& fn);
    void handleFrames(const Item& item);
    void finish(int64_t session, const LintSessionEnd& end);
    void drop(int64_t session, LintListener::Drop why, const std::string& detail);
    void report(int64_t session, std::vector<Finding> findings);

    LintListener& listener_;
    const size_t limitBytes_;

    // Shared by relay threads and the lint thread.
    mutable std::mutex mutex_;
    std::condition_variable work_;
    std::deque<Item> queue_;
    size_t heldBytes_ = 0;
    bool behind_ = false;                     // filled, not yet drained to half
    bool idle_ = false;                       // the lint thread waits: a push must wake it
    bool closed_ = false;
    std::unordered_set<int64_t> skipping_;    // sessions whose frames are no longer queued
    uint64_t timesBehind_ = 0;

    // The lint thread's alone.
    std::shared_ptr<SessionHistory> history_ = std::make_shared<SessionHistory>();
    std::unordered_map<int64_t, std::unique_ptr<LintEngine>> engines_;
    std::atomic<uint64_t> framesLinted_{0}, sessionsDropped_{0}, findings_{0};
    std::atomic<uint64_t> framesSkipped_{0};  // both sides count

    std::mutex closeMutex_;
    std::thread thread_;  // last: started once everything above exists
};

}  // namespace rtmtap
