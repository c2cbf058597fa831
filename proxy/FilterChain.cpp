#include "FilterChain.h"

#include <exception>
#include <iostream>
#include <iterator>

namespace rtmtap {

FilterResult FilterChain::run(FilterContext& context, const Message& message) {
    std::vector<FilterInsert> inserts;  // of the filters that let the message go on
    FilterResult answer;
    for (const std::unique_ptr<Filter>& filter : filters_) {
        if (runOne(*filter, context, message, inserts, answer)) {
            return answer;
        }
    }
    if (board_ != nullptr && board_->any()) {
        const auto attached = board_->current();  // keeps the filters alive while they run
        for (const std::shared_ptr<Filter>& filter : *attached) {
            if (runOne(*filter, context, message, inserts, answer)) {
                return answer;
            }
        }
    }
    answer = FilterResult{};
    answer.inserts = std::move(inserts);
    return answer;
}

// True when the filter's answer ends the chain (it is then in answer, with the inserts so far).
bool FilterChain::runOne(Filter& filter, FilterContext& context, const Message& message,
                         std::vector<FilterInsert>& inserts, FilterResult& answer) {
    try {
        FilterResult result = filter.onMessage(context, message);
        if (result.action != FilterResult::Action::Continue) {
            result.inserts.insert(result.inserts.begin(), std::make_move_iterator(inserts.begin()),
                                  std::make_move_iterator(inserts.end()));
            answer = std::move(result);
            return true;
        }
        inserts.insert(inserts.end(), std::make_move_iterator(result.inserts.begin()),
                       std::make_move_iterator(result.inserts.end()));
    } catch (const std::exception& e) {
        ++failures_;
        std::cerr << "rtmtap: a filter failed on session " << context.session.id << " (" << toString(context.dir)
                  << "), the frame goes on: " << e.what() << std::endl;
    } catch (...) {
        ++failures_;
        std::cerr << "rtmtap: a filter failed on session " << context.session.id << " (" << toString(context.dir)
                  << "), the frame goes on" << std::endl;
    }
    return false;
}

}  // namespace rtmtap
