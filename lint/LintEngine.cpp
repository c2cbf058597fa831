#include "LintEngine.h"

#include "ClientRules.h"

#include <utility>

namespace rtmtap {

LintEngine::LintEngine(std::vector<std::unique_ptr<LintRule>> rules) : rules_(std::move(rules)) {}

LintEngine LintEngine::withAllRules() {
    return LintEngine(clientRules());
}

void LintEngine::startSession(int64_t session) {
    findings_.clear();
    for (auto& rule : rules_) {
        rule->onSessionStart(session);
    }
}

void LintEngine::onMessage(const Message& m) {
    ClientFrame frame = ClientFrame::of(m);
    for (auto& rule : rules_) {
        rule->onMessage(m, frame, findings_);
    }
}

std::vector<Finding> LintEngine::endSession() {
    for (auto& rule : rules_) {
        rule->onSessionEnd(findings_);
    }
    return std::move(findings_);
}

std::vector<Finding> LintEngine::lint(int64_t session, const std::vector<Message>& messages) {
    startSession(session);
    for (const Message& m : messages) {
        onMessage(m);
    }
    return endSession();
}

}  // namespace rtmtap
