#include "Finding.h"

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

Finding Finding::at(const Message& m, std::string rule, Severity severity, std::string sentence) {
    Finding f;
    f.rule = std::move(rule);
    f.severity = severity;
    f.session = m.session;
    f.seq = m.seq;
    f.t_us = m.t_us;
    f.wall_us = m.wall_us;
    f.sentence = std::move(sentence);
    return f;
}

}  // namespace rtmtap
