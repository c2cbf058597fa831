#pragma once
// What a rule is, for `rtmtap lint --explain`, the SARIF rule table and the section a finding
// cites: written once per rule class, next to the code that checks it.
#include "Finding.h"

namespace rtmtap {

struct RuleInfo {
    const char* id;         // "first-not-auth": what findings, --rules and --fail-on name
    Severity severity;      // the highest severity the rule reports
    const char* section;    // where the rule comes from: "airsend-rtm.md: Establishing RTM Connection"
                            // or "protocol-notes.md: WebSocket behaviour of the real server"
    const char* summary;    // one line: what it finds
    const char* rationale;  // why it matters for an app, a few sentences
    const char* example;    // frames that make it fire, as `rtmtap show` would print them
};

// The section findings about real traffic's events cite, whatever their rule's own section.
inline constexpr const char* kRealTrafficEventsSection = "protocol-notes.md: Event frames in real traffic";

}  // namespace rtmtap
