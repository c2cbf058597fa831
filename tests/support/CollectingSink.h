#pragma once
// A SessionSink that keeps what a file reader hands over, in order, for the format tests.
#include "store/SessionSink.h"

#include <vector>

namespace rtmtap::test {

class CollectingSink : public SessionSink {
public:
    int64_t beginSession(const ImportedSession& session) override {
        sessions.push_back(session);
        frames.emplace_back();
        return static_cast<int64_t>(sessions.size());
    }
    void addFrame(Message&& frame) override { frames.back().push_back(std::move(frame)); }

    std::vector<ImportedSession> sessions;
    std::vector<std::vector<Message>> frames;  // per session
};

}  // namespace rtmtap::test
