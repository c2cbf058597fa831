#pragma once
// One message as FrameMatcher sees it: its session, and its classification (kind, name, ids,
// malformed) worked out once, when a matcher first needs it, however many matchers look at it.
#include "protocol/Classifier.h"
#include "protocol/Message.h"

#include <cstdint>
#include <optional>

namespace rtmtap {

class MatchSubject {
public:
    // session: the message's session (a filter's messages carry none yet: FilterContext has it).
    MatchSubject(const Message& message, int64_t session) : message_(message), session_(session) {}
    explicit MatchSubject(const Message& message) : MatchSubject(message, message.session) {}

    const Message& message() const { return message_; }
    int64_t session() const { return session_; }
    // As the store records it (protocol/Classifier: classifyMessage).
    const Classification& classification() const;
    // The message's flags with Malformed and InvalidUtf8 as the store would set them.
    uint32_t flags() const;

private:
    const Message& message_;
    int64_t session_;
    mutable std::optional<Classification> classification_;
    mutable uint32_t flags_ = 0;
};

}  // namespace rtmtap
