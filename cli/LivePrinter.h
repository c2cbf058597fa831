#pragma once
// A tap that prints each relayed frame as one line while traffic flows: what `rtmtap demo`
// shows live. Names come from the classifier; the store indexes the same frames independently.
#include "protocol/Tap.h"

#include <mutex>
#include <ostream>

namespace rtmtap::cli {

class LivePrinter : public Tap {
public:
    explicit LivePrinter(std::ostream& out) : out_(out) {}
    void onSessionStart(const SessionInfo& info) override;
    void onMessage(const Message& message) override;
    void onSessionEnd(const SessionEnd& end) override;

private:
    std::mutex mutex_;
    std::ostream& out_;
};

}  // namespace rtmtap::cli
