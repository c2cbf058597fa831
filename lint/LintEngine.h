#pragma once
// Runs a list of rules over one session at a time: start, every message in seq order, end. The
// engine parses each frame once (LintFrame) and hands it to every rule, learns the session's
// user and token from its ws_auth, and keeps the history of sessions the cross-session rules
// read. Several engines (one per open session, live) can share one history; they must then be
// driven from one thread.
#include "LintRule.h"

#include <memory>
#include <string>
#include <vector>

namespace rtmtap {

using SessionHistory = std::vector<PastSession>;

class LintEngine {
public:
    explicit LintEngine(std::vector<std::unique_ptr<LintRule>> rules,
                        std::shared_ptr<SessionHistory> history = std::make_shared<SessionHistory>());

    // Every rule lint has, in report order: client, payload, server, timing rules.
    static std::vector<std::unique_ptr<LintRule>> allRules();
    static LintEngine withAllRules();
    // Only the rules named (ids as --rules takes them). Throws std::invalid_argument naming the
    // first id no rule has.
    static LintEngine withRules(const std::vector<std::string>& ids,
                                std::shared_ptr<SessionHistory> history = std::make_shared<SessionHistory>());

    const std::vector<std::unique_ptr<LintRule>>& rules() const { return rules_; }

    void startSession(int64_t session, int64_t started_wall_us);
    void onMessage(const Message& m);
    // What the rules found since the last call (live: print as they happen).
    std::vector<Finding> takeFindings();
    // Ends the session and returns what was not taken yet, in seq order (the rules' order within
    // a frame), findings about the whole session (seq 0) last.
    std::vector<Finding> endSession(const LintSessionEnd& end = {});

    // The whole cycle for one session held in memory (started at its first frame's wall time).
    std::vector<Finding> lint(int64_t session, const std::vector<Message>& messages, const LintSessionEnd& end = {});

private:
    void learnToken(const LintFrame& frame);
    PastSession* pastEntry();

    std::vector<std::unique_ptr<LintRule>> rules_;
    std::shared_ptr<SessionHistory> history_;
    LintSession session_;
    bool sawClose_ = false;
    std::vector<Finding> findings_;
    JsonFields scratch_;  // every frame's fields, parsed into the same buffers
};

}  // namespace rtmtap
