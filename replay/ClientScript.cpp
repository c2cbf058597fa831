#include "ClientScript.h"

#include "protocol/Classifier.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rtmtap {
namespace {

constexpr int64_t kMaxAfterMs = 86'400'000;  // a day: anything longer is a typo

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

size_t skipSpace(const std::string& s, size_t i) {
    while (i < s.size() && isSpace(s[i])) {
        ++i;
    }
    return i;
}

// s[i] is '"'; returns the index after the closing quote.
size_t skipString(const std::string& s, size_t i) {
    for (++i; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return s.size();
}

// s[i] starts a value; returns the index after it. Only called on text the classifier has
// already validated, so brackets balance and strings end.
size_t skipValue(const std::string& s, size_t i) {
    if (i < s.size() && s[i] == '"') {
        return skipString(s, i);
    }
    if (i < s.size() && (s[i] == '{' || s[i] == '[')) {
        int depth = 0;
        while (i < s.size()) {
            char c = s[i];
            if (c == '"') {
                i = skipString(s, i);
                continue;
            }
            depth += (c == '{' || c == '[') ? 1 : (c == '}' || c == ']') ? -1 : 0;
            ++i;
            if (depth == 0) {
                return i;
            }
        }
        return i;
    }
    while (i < s.size() && !isSpace(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']') {
        ++i;
    }
    return i;
}

struct Member {
    std::string raw;    // `"key": value` exactly as written
    std::string key;    // the key's raw text between the quotes
    std::string value;  // the value's raw text
};

// The top-level members of a valid JSON object text.
std::vector<Member> members(const std::string& s) {
    std::vector<Member> out;
    size_t i = skipSpace(s, 0) + 1;  // past '{'
    for (;;) {
        i = skipSpace(s, i);
        if (i >= s.size() || s[i] != '"') {
            return out;  // '}' of an empty object
        }
        const size_t start = i;
        const size_t keyEnd = skipString(s, i);
        i = skipSpace(s, keyEnd) + 1;  // past ':'
        const size_t valueStart = skipSpace(s, i);
        const size_t valueEnd = skipValue(s, valueStart);
        out.push_back({s.substr(start, valueEnd - start), s.substr(start + 1, keyEnd - start - 2),
                       s.substr(valueStart, valueEnd - valueStart)});
        i = skipSpace(s, valueEnd);
        if (i >= s.size() || s[i] != ',') {
            return out;
        }
        ++i;
    }
}

[[noreturn]] void fail(const std::string& name, int lineNo, const std::string& what) {
    throw ClientScriptError("script '" + name + "' line " + std::to_string(lineNo) + ": " + what);
}

int64_t parseAfterMs(const std::string& value, const std::string& name, int lineNo) {
    bool digits = !value.empty() && value.size() <= 9;
    for (char c : value) {
        digits = digits && c >= '0' && c <= '9';
    }
    int64_t ms = digits ? std::stoll(value) : -1;
    if (ms < 0 || ms > kMaxAfterMs) {
        fail(name, lineNo, "after_ms must be a whole number of milliseconds from 0 to 86400000, not " + value);
    }
    return ms;
}

}  // namespace

ScriptStep ClientScript::parseLine(const std::string& line, const std::string& name, int lineNo) {
    const size_t first = skipSpace(line, 0);
    Classification c = classify(line);
    if (c.malformed || first >= line.size() || line[first] != '{') {
        std::string shown = line.size() > 60 ? line.substr(0, 60) + "..." : line;
        fail(name, lineNo, "not a JSON object: " + shown);
    }
    ScriptStep step;
    step.line = lineNo;
    std::string kept;
    bool seenAfter = false;
    for (const Member& m : members(line)) {
        if (m.key == "after_ms") {
            if (seenAfter) {
                fail(name, lineNo, "after_ms given twice");
            }
            seenAfter = true;
            step.afterMs = parseAfterMs(m.value, name, lineNo);
            continue;
        }
        kept += (kept.empty() ? "" : ",") + m.raw;
    }
    step.text = "{" + kept + "}";
    return step;
}

ClientScript ClientScript::parse(const std::string& text, const std::string& name) {
    ClientScript script;
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();  // CRLF files
        }
        const size_t first = skipSpace(line, 0);
        if (first >= line.size() || line[first] == '#') {
            continue;
        }
        script.steps_.push_back(parseLine(line, name, lineNo));
    }
    return script;
}

ClientScript ClientScript::load(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw ClientScriptError("cannot read script '" + path + "': it is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw ClientScriptError("cannot read script '" + path + "': " + std::strerror(errno));
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        throw ClientScriptError("cannot read script '" + path + "': " + std::strerror(errno));
    }
    return parse(text.str(), path);
}

}  // namespace rtmtap
