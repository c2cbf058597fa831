#pragma once
// command-before-auth: a known command (not ws_auth, not ws_ping) sent before any ws_auth.
// ws_auth succeeds silently and a failed one drops the socket (protocol-notes.md), so a ws_auth
// followed by more traffic on the same session counts as a success.
#include "LintRule.h"

namespace rtmtap {

class CommandBeforeAuthRule : public LintRule {
public:
    const char* id() const override { return "command-before-auth"; }
    void onSessionStart(int64_t session) override;
    void onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) override;

private:
    bool authSent_ = false;
};

}  // namespace rtmtap
