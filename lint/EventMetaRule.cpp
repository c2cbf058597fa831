#include "EventMetaRule.h"

namespace rtmtap {

const RuleInfo& EventMetaRule::info() const {
    static const RuleInfo kInfo{
        "event-meta", Severity::Warn, "airsend-rtm.md: SERVER to CLIENT Push EVENT Structure",
        "a server event without meta.api",
        "The document gives every event the same envelope, {\"meta\":{\"api\":\"v1\"},\"event\":...,\"payload\":...}, "
        "and the real backend adds meta.emitted_on. An event without meta.api was not built by the backend's "
        "event normaliser (a proxy, a test server or a hand-made frame), and an app that checks the API "
        "version or reads emitted_on cannot place it. Only the {\"event\":\"pong\"} answer to ws_ping goes "
        "without meta. Said once per session for each event name: a server that leaves it out does so every time.",
        "s2c text {\"event\":\"chat.postMessage\",\"payload\":{\"message\":{...}}}   <- no meta"};
    return kInfo;
}

void EventMetaRule::onSessionStart(const LintSession&) {
    reported_.clear();
}

void EventMetaRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (!frame.isEvent() || frame.name == "pong" || frame.fields.string("meta.api")) {
        return;
    }
    if (!reported_.insert(frame.name).second) {
        return;
    }
    const JsonField* api = frame.fields.find("meta.api");
    std::string what = api ? "meta.api as " + std::string(toString(api->type)) + ", not a string"
                           : (frame.fields.has("meta") ? "no meta.api" : "no meta");
    out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                              "the server's '" + frame.name + "' has " + what +
                                  ": every backend event carries meta.api (only the pong answer goes without), so "
                                  "this one did not come from the backend's normaliser and an app that checks the "
                                  "API version may drop it"));
}

}  // namespace rtmtap
