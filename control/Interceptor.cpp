#include "Interceptor.h"

#include "rules/MatchSubject.h"

#include <atomic>

namespace rtmtap {
namespace {

// Tokens are unique in the process: two controllers may hold frames of one session.
std::atomic<uint64_t> lastToken{0};

}  // namespace

Interceptor::Interceptor(FrameFilter match, int holdMs) : matcher_(std::move(match)), holdMs_(holdMs) {}

FilterResult Interceptor::onMessage(FilterContext& context, const Message& message) {
    if (!matcher_.matches(MatchSubject(message, context.session.id))) {
        return {};
    }
    const uint64_t token = ++lastToken;
    Held held;
    held.token = token;
    held.message = message;
    held.message.session = context.session.id;
    held.message.dir = context.dir;
    held.deadline = Clock::now() + std::chrono::milliseconds(holdMs_);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) {
            return {};
        }
        held.id = ++lastId_;
        news_.push_back(held.id);
        registry_.emplace(held.id, std::move(held));
    }
    changed_.notify_all();
    // The relay's own deadline comes a moment after ours: the connection releases first, and the
    // relay lets the frame go by itself only when the connection could not (it is stuck writing).
    return FilterResult::hold(holdMs_, token);
}

Interceptor::Work Interceptor::wait(Clock::time_point until) {
    Work work;
    std::unique_lock<std::mutex> lock(mutex_);
    auto due = [&] {
        return closed_ || !news_.empty() || (!registry_.empty() && registry_.begin()->second.deadline <= Clock::now());
    };
    while (!due() && Clock::now() < until) {
        Clock::time_point wake = until;
        if (!registry_.empty() && registry_.begin()->second.deadline < wake) {
            wake = registry_.begin()->second.deadline;
        }
        changed_.wait_until(lock, wake);
    }
    work.closed = closed_;
    if (closed_) {
        return work;
    }
    for (uint64_t id : news_) {
        auto it = registry_.find(id);
        if (it != registry_.end()) {
            work.held.push_back(it->second);
        }
    }
    news_.clear();
    const Clock::time_point now = Clock::now();
    while (!registry_.empty() && registry_.begin()->second.deadline <= now) {
        work.expired.push_back(std::move(registry_.begin()->second));
        registry_.erase(registry_.begin());
    }
    return work;
}

std::optional<Opcode> Interceptor::opOf(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = registry_.find(id);
    return it == registry_.end() ? std::nullopt : std::optional<Opcode>(it->second.message.op);
}

std::optional<Interceptor::Held> Interceptor::take(uint64_t id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = registry_.find(id);
    if (it == registry_.end()) {
        return std::nullopt;
    }
    Held held = std::move(it->second);
    registry_.erase(it);
    return held;
}

std::vector<Interceptor::Held> Interceptor::takeEnded(const std::function<bool(int64_t)>& alive) {
    std::vector<Held> ended;
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = registry_.begin(); it != registry_.end();) {
        if (alive(it->second.message.session)) {
            ++it;
        } else {
            ended.push_back(std::move(it->second));
            it = registry_.erase(it);
        }
    }
    return ended;
}

std::vector<Interceptor::Held> Interceptor::close() {
    std::vector<Held> held;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        closed_ = true;
        for (auto& [id, h] : registry_) {
            held.push_back(std::move(h));
        }
        registry_.clear();
        news_.clear();
    }
    changed_.notify_all();
    return held;
}

}  // namespace rtmtap
