#include "LintEngine.h"

#include "protocol/TimeSpan.h"

#include "ClientRules.h"
#include "PayloadRules.h"
#include "ServerRules.h"
#include "TimingRules.h"
#include "protocol/JwtClaims.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <utility>

namespace rtmtap {
namespace {

// A long-running proxy sees sessions without end; the cross-session rules look back seconds.
constexpr size_t kHistoryLimit = 10000;

void append(std::vector<std::unique_ptr<LintRule>>& to, std::vector<std::unique_ptr<LintRule>> from) {
    for (auto& rule : from) {
        to.push_back(std::move(rule));
    }
}

}  // namespace

LintEngine::LintEngine(std::vector<std::unique_ptr<LintRule>> rules, std::shared_ptr<SessionHistory> history)
    : rules_(std::move(rules)), history_(std::move(history)) {}

std::vector<std::unique_ptr<LintRule>> LintEngine::allRules() {
    std::vector<std::unique_ptr<LintRule>> rules = clientRules();
    append(rules, payloadRules());
    append(rules, serverRules());
    append(rules, timingRules());
    return rules;
}

LintEngine LintEngine::withAllRules() {
    return LintEngine(allRules());
}

LintEngine LintEngine::withRules(const std::vector<std::string>& ids, std::shared_ptr<SessionHistory> history) {
    std::vector<std::unique_ptr<LintRule>> all = allRules();
    std::vector<std::unique_ptr<LintRule>> chosen;
    for (const std::string& id : ids) {
        bool found = false;
        for (auto& rule : all) {
            if (rule && id == rule->id()) {
                chosen.push_back(std::move(rule));
                found = true;
                break;
            }
        }
        if (!found) {
            throw std::invalid_argument("no lint rule '" + id + "' (rtmtap lint --explain list names them)");
        }
    }
    return LintEngine(std::move(chosen), std::move(history));
}

void LintEngine::startSession(int64_t session, int64_t started_wall_us) {
    findings_.clear();
    session_ = LintSession{};
    session_.id = session;
    session_.started_wall_us = started_wall_us;
    session_.history = history_.get();
    sawClose_ = false;
    if (history_->size() >= kHistoryLimit) {
        history_->erase(history_->begin(), history_->begin() + kHistoryLimit / 2);
    }
    PastSession past;
    past.id = session;
    past.started_wall_us = started_wall_us;
    history_->push_back(past);
    for (auto& rule : rules_) {
        rule->onSessionStart(session_);
    }
}

PastSession* LintEngine::pastEntry() {
    for (auto it = history_->rbegin(); it != history_->rend(); ++it) {
        if (it->id == session_.id) {
            return &*it;
        }
    }
    return nullptr;
}

// The first ws_auth with a decodable token names the session's user; a later one (a token
// refresh) does not change it.
void LintEngine::learnToken(const LintFrame& frame) {
    if (session_.user_id || !frame.isCommand() || frame.name != "ws_auth") {
        return;
    }
    std::optional<std::string> token = frame.fields.string("auth_token");
    std::optional<JwtClaims> claims = token ? decodeJwtClaims(*token) : std::nullopt;
    if (!claims) {
        return;
    }
    session_.user_id = claims->user_id;
    session_.token_key = redactJwt(*token);
    session_.token_expiry = claims->expiry;
    if (PastSession* past = pastEntry()) {
        past->user_id = session_.user_id;
        past->token_key = session_.token_key;
    }
}

void LintEngine::onMessage(const Message& m) {
    LintFrame frame(m, scratch_);
    sawClose_ = sawClose_ || m.op == Opcode::Close;
    learnToken(frame);
    for (auto& rule : rules_) {
        rule->onFrame(frame, session_, findings_);
    }
}

std::vector<Finding> LintEngine::takeFindings() {
    return std::exchange(findings_, {});
}

std::vector<Finding> LintEngine::endSession(const LintSessionEnd& end) {
    for (auto& rule : rules_) {
        rule->onSessionEnd(end, session_, findings_);
    }
    if (PastSession* past = pastEntry(); past && end.ended) {
        past->ended_wall_us = end.ended_wall_us;
        past->dropped = !sawClose_;
    }
    // Rules that judge a frame only later (an unanswered ping, a burst once it is over) report
    // after later frames' findings: a report reads in frame order, whole-session findings last.
    std::stable_sort(findings_.begin(), findings_.end(), [](const Finding& a, const Finding& b) {
        return (a.seq == 0 ? INT64_MAX : a.seq) < (b.seq == 0 ? INT64_MAX : b.seq);
    });
    return takeFindings();
}

std::vector<Finding> LintEngine::lint(int64_t session, const std::vector<Message>& messages, const LintSessionEnd& end) {
    startSession(session, messages.empty() ? 0 : spanUs(messages.front().t_us, messages.front().wall_us));
    for (const Message& m : messages) {
        onMessage(m);
    }
    return endSession(end);
}

}  // namespace rtmtap
