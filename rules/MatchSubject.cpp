#include "MatchSubject.h"

namespace rtmtap {

const Classification& MatchSubject::classification() const {
    if (!classification_) {
        flags_ = message_.flags;
        classification_ = classifyMessage(message_, flags_);
    }
    return *classification_;
}

uint32_t MatchSubject::flags() const {
    classification();
    return flags_;
}

}  // namespace rtmtap
