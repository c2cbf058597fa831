#include "RuleBook.h"

namespace rtmtap {

FilterChainFactory RuleBook::chainFactory(std::shared_ptr<RuleBook> book) {
    return [book](const SessionInfo&) {
        FilterChain chain;
        chain.add(std::make_unique<RulesFilter>(book));
        return chain;
    };
}

FilterResult RulesFilter::onMessage(FilterContext& context, const Message& message) {
    std::shared_ptr<const RuleEngine> now = book_->current();
    if (now != engine_) {
        session_.reset();  // before the engine it refers to may go
        engine_ = std::move(now);
        session_ = std::make_unique<RuleEngine::Session>(engine_->session());
    }
    return session_->apply(context, message);
}

}  // namespace rtmtap
