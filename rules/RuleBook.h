#pragma once
// The rules a running proxy uses now: one RuleEngine, swapped whole on reload (SIGHUP) while
// sessions run on their loop threads. A session sees the new rules from its next message on,
// with its nth/every counts started afresh.
#include "RuleEngine.h"
#include "proxy/FilterChain.h"

#include <memory>

namespace rtmtap {

class RuleBook {
public:
    explicit RuleBook(std::shared_ptr<const RuleEngine> engine) : engine_(std::move(engine)) {}

    std::shared_ptr<const RuleEngine> current() const { return std::atomic_load(&engine_); }
    // Puts engine in place and returns the one it replaces. A session moves to the new one at
    // its next message, so the old one's counts stop changing at once (but for a message being
    // filtered at that very moment).
    std::shared_ptr<const RuleEngine> replace(std::shared_ptr<const RuleEngine> engine) {
        return std::atomic_exchange(&engine_, std::move(engine));
    }

    // A chain factory for ProxyConfig::filters: each session gets a RulesFilter on this book.
    static FilterChainFactory chainFactory(std::shared_ptr<RuleBook> book);

private:
    std::shared_ptr<const RuleEngine> engine_;
};

// The proxy filter (proxy/Filter.h) of one session: the book's current rules.
class RulesFilter : public Filter {
public:
    explicit RulesFilter(std::shared_ptr<RuleBook> book) : book_(std::move(book)) {}
    FilterResult onMessage(FilterContext& context, const Message& message) override;

private:
    std::shared_ptr<RuleBook> book_;
    std::shared_ptr<const RuleEngine> engine_;  // the rules this session's state is for
    std::unique_ptr<RuleEngine::Session> session_;
};

}  // namespace rtmtap
