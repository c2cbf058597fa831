#pragma once
// One thing a client or server did wrong, as lint reports it: which rule, how bad, where.
#include "protocol/Message.h"

#include <cstdint>
#include <string>

namespace rtmtap {

struct RuleInfo;

// Ordered: a --fail-on threshold compares with >=.
enum class Severity : uint8_t { Info = 0, Warn = 1, Error = 2 };

const char* toString(Severity severity);  // "info" | "warn" | "error"
bool parseSeverity(const std::string& text, Severity& out);

struct Finding {
    std::string rule;  // "first-not-auth"
    Severity severity = Severity::Warn;
    int64_t session = 0;
    int64_t seq = 0;      // the frame it is about, 0 when about the whole session
    int64_t t_us = 0;     // of that frame, since the session began
    int64_t wall_us = 0;  // of that frame, µs since the Unix epoch
    std::string sentence;  // what happened and why it matters, one sentence
    std::string section;   // the document section the rule comes from (RuleInfo::section)

    // A finding of rule about frame m.
    static Finding at(const Message& m, const RuleInfo& rule, Severity severity, std::string sentence);
    // A finding of rule about the whole session (seq 0), at a wall time.
    static Finding aboutSession(int64_t session, int64_t wall_us, const RuleInfo& rule, Severity severity,
                                std::string sentence);
};

}  // namespace rtmtap
