#include "ClientScript.h"

#include "protocol/JsonScanner.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

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

// A member's raw text, `"key" : value` as written: from its key's opening quote to its value's
// last byte (the space around the colon is the member's own, the space around commas is not).
std::string_view rawMember(std::string_view line, const JsonMember& m) {
    const size_t start = m.key.offset - 1;
    return line.substr(start, m.valueOffset + m.valueLength - start);
}

[[noreturn]] void fail(const std::string& name, int lineNo, const std::string& what) {
    throw ClientScriptError("script '" + name + "' line " + std::to_string(lineNo) + ": " + what);
}

// A JSON integer token from 0 to a day ("-0" is zero); a fraction, an exponent, a string or a
// literal is an error, even when its value would be whole.
int64_t parseAfterMs(std::string_view value, const std::string& name, int lineNo) {
    int64_t ms = -1;
    if (!parseJsonInt64(value, ms) || ms < 0 || ms > kMaxAfterMs) {
        fail(name, lineNo, "after_ms must be a whole number of milliseconds from 0 to 86400000, not " + std::string(value));
    }
    return ms;
}

}  // namespace

ScriptStep ClientScript::parseLine(const std::string& line, const std::string& name, int lineNo) {
    // No depth limit, as for a recorded frame: a script may send the deeply nested frame it
    // wants a server tested with (the scanner keeps one bit a level, no C stack).
    JsonScanOptions options;
    options.maxDepth = JsonScanOptions::kUnlimited;
    const std::string_view text(line);
    const JsonMembers parsed = jsonMembers(text, options);
    if (!parsed.object) {
        std::string shown = line.size() > 60 ? line.substr(0, 60) + "..." : line;
        fail(name, lineNo, "not a JSON object: " + shown);
    }
    ScriptStep step;
    step.line = lineNo;
    std::string kept;
    bool seenAfter = false;
    for (const JsonMember& m : parsed.members) {
        // The raw key, escapes as written: "after\u005fms" is not the delay key but a member sent on.
        if (text.substr(m.key.offset, m.key.length) == "after_ms") {
            if (seenAfter) {
                fail(name, lineNo, "after_ms given twice");
            }
            seenAfter = true;
            step.afterMs = parseAfterMs(text.substr(m.valueOffset, m.valueLength), name, lineNo);
            continue;
        }
        if (!kept.empty()) {
            kept += ',';
        }
        kept += rawMember(text, m);
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
