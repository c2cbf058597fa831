#include "InvalidJsonRule.h"

namespace rtmtap {

void InvalidJsonRule::onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) {
    if (frame.shape == ClientFrame::Shape::NotJson) {
        out.push_back(Finding::at(m, id(), Severity::Error,
                                  "the client sent a text frame that is not JSON: the real server drops the connection"));
    } else if (frame.shape == ClientFrame::Shape::NotObject) {
        out.push_back(Finding::at(m, id(), Severity::Error,
                                  "the client sent JSON that is not an object (null, an array or a scalar): the real "
                                  "server drops the connection"));
    }
}

}  // namespace rtmtap
