#include "LintTap.h"

#include <exception>
#include <string>
#include <utility>

namespace rtmtap {
namespace {

// What a queued batch costs against the limit: its payloads plus a fixed overhead a message (the
// batch itself is shared with the recorder; this is what lint keeps alive by holding it).
constexpr size_t kOverheadBytes = 256;

size_t costOf(const std::vector<Message>& batch) {
    size_t bytes = kOverheadBytes;
    for (const Message& m : batch) {
        bytes += kOverheadBytes + m.payload.size();
    }
    return bytes;
}

LintSessionEnd lintEndOf(const SessionEnd& end) {
    LintSessionEnd out;
    out.ended = true;
    out.ended_wall_us = end.ended_wall_us;
    if (end.close_code >= 0) {
        out.close_code = end.close_code;
    }
    out.closed_by = end.closed_by;
    out.error = end.error;
    return out;
}

}  // namespace

LintTap::LintTap(LintListener& listener, size_t queueLimitBytes)
    : listener_(listener), limitBytes_(queueLimitBytes), thread_([this] { run(); }) {}

LintTap::~LintTap() {
    close();
}

void LintTap::onSessionStart(const SessionInfo& info) {
    Item item;
    item.kind = Item::Kind::Start;
    item.session = info.id;
    item.startedWallUs = info.started_wall_us;
    push(std::move(item));
}

void LintTap::onMessage(const Message& message) {
    onMessages(std::make_shared<const std::vector<Message>>(1, message));
}

void LintTap::onMessages(const MessageBatch& batch) {
    if (batch->empty()) {
        return;
    }
    Item item;
    item.kind = Item::Kind::Frames;
    item.session = batch->front().session;  // a relay round is one session's
    item.bytes = costOf(*batch);
    item.frames = batch;
    bool warn = false;
    size_t held = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) {
            return;
        }
        if (skipping_.count(item.session)) {
            framesSkipped_ += batch->size();
            return;
        }
        if (heldBytes_ > 0 && heldBytes_ + item.bytes > limitBytes_) {
            // From here on the session is not linted: the lint thread drops its engine when it
            // reaches this mark, after the frames queued before it.
            skipping_.insert(item.session);
            framesSkipped_ += batch->size();
            item.kind = Item::Kind::Skip;
            item.frames = nullptr;
            item.bytes = 0;
            warn = !behind_;
            if (warn) {
                behind_ = true;
                ++timesBehind_;
                held = heldBytes_;
            }
        }
        heldBytes_ += item.bytes;
        queue_.push_back(std::move(item));
        if (idle_) {
            work_.notify_one();
        }
    }
    if (warn) {
        listener_.onBehind(held);
    }
}

void LintTap::onSessionEnd(const SessionEnd& end) {
    Item item;
    item.kind = Item::Kind::End;
    item.session = end.id;
    item.end = lintEndOf(end);
    push(std::move(item));
}

void LintTap::push(Item item) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) {
        return;
    }
    if (item.kind == Item::Kind::End) {
        skipping_.erase(item.session);
    }
    queue_.push_back(std::move(item));
    if (idle_) {
        work_.notify_one();
    }
}

bool LintTap::take(std::vector<Item>& out) {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_ = true;
    work_.wait(lock, [this] { return !queue_.empty() || closed_; });
    idle_ = false;
    if (queue_.empty()) {
        return false;  // closed and drained
    }
    for (Item& item : queue_) {
        out.push_back(std::move(item));
    }
    queue_.clear();
    return true;
}

void LintTap::release(size_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    heldBytes_ -= bytes;
    if (behind_ && heldBytes_ <= limitBytes_ / 2) {
        behind_ = false;
    }
}

template <typename Fn>
void LintTap::guarded(int64_t session, Fn&& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        // One failing rule costs its session's linting, never the proxy (STYLE.md: taps).
        drop(session, LintListener::Drop::RuleFailed, e.what());
    }
}

void LintTap::run() {
    std::vector<Item> items;
    while (take(items)) {
        for (Item& item : items) {
            handle(item);
            if (item.bytes > 0) {
                item.frames = nullptr;  // the batch may be freed before the next item is linted
                release(item.bytes);
            }
        }
        items.clear();
    }
    // Sessions the proxy never ended (it ends them all when it stops; a test may not).
    while (!engines_.empty()) {
        const int64_t session = engines_.begin()->first;
        guarded(session, [&] { finish(session, LintSessionEnd{}); });
    }
}

void LintTap::handle(Item& item) {
    guarded(item.session, [&] {
        switch (item.kind) {
        case Item::Kind::Start: {
            auto engine = std::make_unique<LintEngine>(LintEngine::allRules(), history_);
            engine->startSession(item.session, item.startedWallUs);
            engines_[item.session] = std::move(engine);
            break;
        }
        case Item::Kind::Frames:
            handleFrames(item);
            break;
        case Item::Kind::Skip:
            drop(item.session, LintListener::Drop::QueueFull, "");
            break;
        case Item::Kind::End:
            finish(item.session, item.end);
            break;
        }
    });
}

void LintTap::handleFrames(const Item& item) {
    auto it = engines_.find(item.session);
    if (it == engines_.end()) {
        framesSkipped_ += item.frames->size();  // a dropped session's frames queued before its mark
        return;
    }
    for (const Message& m : *item.frames) {
        it->second->onMessage(m);
    }
    framesLinted_ += item.frames->size();
    report(item.session, it->second->takeFindings());
}

void LintTap::finish(int64_t session, const LintSessionEnd& end) {
    auto it = engines_.find(session);
    if (it == engines_.end()) {
        return;
    }
    std::vector<Finding> found = it->second->endSession(end);
    engines_.erase(it);
    report(session, std::move(found));
}

void LintTap::drop(int64_t session, LintListener::Drop why, const std::string& detail) {
    if (engines_.erase(session) > 0) {
        ++sessionsDropped_;
        listener_.onSessionDropped(session, why, detail);
    }
}

void LintTap::report(int64_t session, std::vector<Finding> findings) {
    if (!findings.empty()) {
        findings_ += findings.size();
        listener_.onFindings(session, std::move(findings));
    }
}

void LintTap::close() {
    std::lock_guard<std::mutex> closing(closeMutex_);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        work_.notify_one();
    }
    if (thread_.joinable()) {
        thread_.join();
    }
}

LintTapStats LintTap::stats() const {
    LintTapStats s;
    s.framesLinted = framesLinted_.load();
    s.framesSkipped = framesSkipped_.load();
    s.sessionsDropped = sessionsDropped_.load();
    s.findings = findings_.load();
    std::lock_guard<std::mutex> lock(mutex_);
    s.timesBehind = timesBehind_;
    return s;
}

}  // namespace rtmtap
