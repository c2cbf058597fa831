#pragma once
// A tap that prints each relayed frame as one line while traffic flows: what `rtmtap demo`
// shows live. Names come from the classifier; the store indexes the same frames independently.
#include "Color.h"
#include "protocol/Tap.h"

#include <mutex>
#include <ostream>

namespace rtmtap::cli {

class LivePrinter : public Tap {
public:
    // palette: arrows and names in colour when it is on (a terminal; see Color.h).
    explicit LivePrinter(std::ostream& out, Palette palette = Palette()) : out_(out), palette_(palette) {}
    void onSessionStart(const SessionInfo& info) override;
    void onMessage(const Message& message) override;
    void onSessionEnd(const SessionEnd& end) override;

private:
    std::mutex mutex_;
    std::ostream& out_;
    Palette palette_;
};

}  // namespace rtmtap::cli
