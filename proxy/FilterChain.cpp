#include "FilterChain.h"

#include <exception>
#include <iostream>
#include <iterator>

namespace rtmtap {

FilterResult FilterChain::run(FilterContext& context, const Message& message) {
    std::vector<FilterInsert> inserts;  // of the filters that let the message go on
    for (const std::unique_ptr<Filter>& filter : filters_) {
        try {
            FilterResult result = filter->onMessage(context, message);
            if (result.action != FilterResult::Action::Continue) {
                result.inserts.insert(result.inserts.begin(), std::make_move_iterator(inserts.begin()),
                                      std::make_move_iterator(inserts.end()));
                return result;
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
    }
    FilterResult result;
    result.inserts = std::move(inserts);
    return result;
}

}  // namespace rtmtap
