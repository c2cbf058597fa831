#pragma once
// Several taps behind one Tap* (a server that announces to one observer, heard by the recorder
// and the live view alike). Calls go to each tap in the order given.
#include "Tap.h"

#include <vector>

namespace rtmtap {

class TapFanout : public Tap {
public:
    explicit TapFanout(std::vector<Tap*> taps) : taps_(std::move(taps)) {}
    void onSessionStart(const SessionInfo& info) override {
        for (Tap* t : taps_) {
            t->onSessionStart(info);
        }
    }
    void onMessage(const Message& message) override {
        for (Tap* t : taps_) {
            t->onMessage(message);
        }
    }
    void onMessages(const MessageBatch& batch) override {
        for (Tap* t : taps_) {
            t->onMessages(batch);
        }
    }
    void onSessionEnd(const SessionEnd& end) override {
        for (Tap* t : taps_) {
            t->onSessionEnd(end);
        }
    }
    void onApiExchange(const ApiExchange& exchange) override {
        for (Tap* t : taps_) {
            t->onApiExchange(exchange);
        }
    }

private:
    std::vector<Tap*> taps_;
};

}  // namespace rtmtap
