#pragma once
// The script `rtmtap client --script FILE` runs: JSONL, one command a line, each with an
// optional delay. {"after_ms":500,"command":"ws_ephemeral_typing","channel_id":11010000} waits
// 500 ms after the previous step (or after ws_auth, for the first), then sends
// {"command":"ws_ephemeral_typing","channel_id":11010000}.
//
// What is sent: the line with its top-level "after_ms" member cut out of the raw text; the other
// members go out byte for byte as written (numbers, escapes and key order untouched, so a script
// can send exactly the odd frame it wants to test), joined by ',' inside '{' '}'. Only the plain
// spelling "after_ms" is recognised as the delay key.
// Blank lines and lines whose first non-blank character is '#' are skipped. A line that is not
// one JSON object, or whose after_ms is not an integer from 0 to 86400000, is an error naming
// the file and the line. A missing "command" is allowed (the server's answer to it is a test).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtmtap {

class ClientScriptError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct ScriptStep {
    int64_t afterMs = 0;  // delay before sending, counted from the previous step
    std::string text;     // the frame to send
    int line = 0;         // 1-based line in the file
};

class ClientScript {
public:
    // Reads and parses the file; throws ClientScriptError ("script 'f.jsonl' line 3: ...").
    static ClientScript load(const std::string& path);
    // Parses text; name stands for the file in error messages.
    static ClientScript parse(const std::string& text, const std::string& name);

    const std::vector<ScriptStep>& steps() const { return steps_; }

private:
    static ScriptStep parseLine(const std::string& line, const std::string& name, int lineNo);

    std::vector<ScriptStep> steps_;
};

}  // namespace rtmtap
