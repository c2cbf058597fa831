#include "FilterChain.h"

#include <exception>
#include <iostream>

namespace rtmtap {

FilterResult FilterChain::run(FilterContext& context, const Message& message) {
    for (const std::unique_ptr<Filter>& filter : filters_) {
        try {
            FilterResult result = filter->onMessage(context, message);
            if (result.action != FilterResult::Action::Continue) {
                return result;
            }
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
    return FilterResult{};
}

}  // namespace rtmtap
