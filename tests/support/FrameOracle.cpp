#include "FrameOracle.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>

namespace rtmtap::test {

bool hasWord(const std::string& payload, const std::string& word) {
    std::string text = " " + payload + " ";
    std::string w = word;
    for (char& c : text) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (char& c : w) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto isToken = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || (c & 0x80) != 0; };
    for (size_t at = text.find(w); at != std::string::npos; at = text.find(w, at + 1)) {
        bool before = !isToken(w.front()) || !isToken(text[at - 1]);
        bool after = !isToken(w.back()) || !isToken(text[at + w.size()]);
        if (before && after) {
            return true;
        }
    }
    return false;
}

namespace {

template <typename T>
bool inOrEmpty(const std::vector<T>& values, const T& v) {
    return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
}

bool optIn(const std::vector<int64_t>& values, const std::optional<int64_t>& v) {
    return values.empty() || (v && std::find(values.begin(), values.end(), *v) != values.end());
}

bool globAny(const std::vector<std::string>& patterns, const std::string& name) {
    for (const std::string& p : patterns) {
        if (fnmatch(p.c_str(), name.c_str(), 0) == 0) {
            return true;
        }
    }
    return false;
}

}  // namespace

bool passes(const FrameFilter& f, const FrameRow& row) {
    const Message& m = row.message;
    bool names = f.events.empty() && f.commands.empty();
    names = names || (row.kind == "event" && globAny(f.events, row.name)) ||
            (row.kind == "command" && globAny(f.commands, row.name));
    bool words = std::all_of(f.words.begin(), f.words.end(), [&](const std::string& w) {
        bool indexable = (m.op == Opcode::Text || (m.op == Opcode::Binary && row.kind != "other")) &&
                         !(m.flags & MessageFlag::InvalidUtf8);
        return indexable && hasWord(m.payload, w);
    });
    return inOrEmpty(f.sessions, m.session) && inOrEmpty(f.dirs, m.dir) && inOrEmpty(f.ops, m.op) &&
           (f.kinds.empty() || std::any_of(f.kinds.begin(), f.kinds.end(),
                                            [&](Kind k) { return row.kind == toString(k); })) &&
           names && optIn(f.channels, row.channel_id) && optIn(f.messages, row.message_id) &&
           optIn(f.users, row.user_id) && (!f.sinceUs || m.wall_us >= *f.sinceUs) &&
           (!f.untilUs || m.wall_us <= *f.untilUs) && (!f.malformed || (m.flags & MessageFlag::Malformed)) &&
           (!f.edited || (m.flags & MessageFlag::Edited)) && (!f.injected || (m.flags & MessageFlag::Injected)) && words;
}

}  // namespace rtmtap::test
