#include "Finding.h"

#include "RuleInfo.h"

namespace rtmtap {

const char* toString(Severity severity) {
    switch (severity) {
    case Severity::Info: return "info";
    case Severity::Warn: return "warn";
    case Severity::Error: return "error";
    }
    return "error";
}

bool parseSeverity(const std::string& text, Severity& out) {
    for (Severity s : {Severity::Info, Severity::Warn, Severity::Error}) {
        if (text == toString(s)) {
            out = s;
            return true;
        }
    }
    return false;
}

Finding Finding::at(const Message& m, const RuleInfo& rule, Severity severity, std::string sentence) {
    Finding f = aboutSession(m.session, m.wall_us, rule, severity, std::move(sentence));
    f.seq = m.seq;
    f.t_us = m.t_us;
    return f;
}

Finding Finding::aboutSession(int64_t session, int64_t wall_us, const RuleInfo& rule, Severity severity,
                              std::string sentence) {
    Finding f;
    f.rule = rule.id;
    f.severity = severity;
    f.session = session;
    f.wall_us = wall_us;
    f.sentence = std::move(sentence);
    f.section = rule.section;
    return f;
}

}  // namespace rtmtap
