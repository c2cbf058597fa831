#pragma once
// Runs a list of rules over sessions, one at a time: start, every message in seq order, end.
// The engine parses each client text frame once (ClientFrame) and hands it to every rule.
#include "LintRule.h"

#include <memory>
#include <vector>

namespace rtmtap {

class LintEngine {
public:
    explicit LintEngine(std::vector<std::unique_ptr<LintRule>> rules);

    // Every rule lint has, in report order.
    static LintEngine withAllRules();

    void startSession(int64_t session);
    void onMessage(const Message& m);
    // Ends the session and returns its findings: per frame in seq order, the rules' order within
    // a frame, then what rules found at the end.
    std::vector<Finding> endSession();

    // The whole cycle for one session held in memory.
    std::vector<Finding> lint(int64_t session, const std::vector<Message>& messages);

private:
    std::vector<std::unique_ptr<LintRule>> rules_;
    std::vector<Finding> findings_;
};

}  // namespace rtmtap
