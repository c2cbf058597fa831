#pragma once
// One rule of `rtmtap lint`: fed one session's messages in seq order, between a start and an
// end; it appends what it finds to out. A rule keeps its own state per session and is reset by
// onSessionStart, so one instance checks many sessions one after the other.
#include "ClientFrame.h"
#include "Finding.h"
#include "protocol/Message.h"

#include <vector>

namespace rtmtap {

class LintRule {
public:
    virtual ~LintRule() = default;
    virtual const char* id() const = 0;  // "first-not-auth": what findings and --fail-on name
    virtual void onSessionStart(int64_t session) = 0;
    // frame: m parsed as a client command (shape NotChecked for anything but a client text frame).
    virtual void onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) = 0;
    virtual void onSessionEnd(std::vector<Finding>& out) { (void)out; }
};

}  // namespace rtmtap
