#include "EventPrinter.h"

#include "protocol/Base64.h"
#include "protocol/Classifier.h"
#include "protocol/JsonText.h"
#include "protocol/Utf8.h"
#include "protocol/CloseFrame.h"

#include <cstdio>
#include <ctime>

namespace rtmtap {
namespace {

constexpr size_t kPreviewChars = 100;

std::string localClock(int64_t wallUs) {
    std::time_t secs = static_cast<std::time_t>(wallUs / 1'000'000);
    std::tm tm{};
    localtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%H:%M:%S", &tm);
    char ms[8];
    std::snprintf(ms, sizeof(ms), ".%03d", static_cast<int>((wallUs / 1000) % 1000));
    return std::string(buf) + ms;
}

// Whitespace runs become one space; cut at kPreviewChars bytes without splitting a UTF-8
// sequence. text is valid UTF-8.
std::string preview(const std::string& text) {
    std::string out;
    bool space = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            space = true;
            continue;
        }
        if (space && !out.empty()) {
            out += ' ';
        }
        space = false;
        if (out.size() >= kPreviewChars && (c & 0xC0) != 0x80) {
            return out + "...";
        }
        // Other control characters could drive the terminal: shown as '?'.
        out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    }
    return out;
}

int closeCode(const std::string& payload) {
    return closeCodeOf(payload, -1);
}

std::string ids(const Classification& c) {
    std::string out;
    if (c.channel_id) {
        out += " channel=" + std::to_string(*c.channel_id);
    }
    if (c.message_id) {
        out += " message=" + std::to_string(*c.message_id);
    }
    if (c.user_id) {
        out += " user=" + std::to_string(*c.user_id);
    }
    return out;
}

std::string describeData(const Message& m) {
    Classification c = classify(m.payload);
    if (!c.malformed) {
        std::string name = c.name.empty() ? "(json)" : c.name;
        return name + ids(c) + " " + preview(m.payload);
    }
    if (m.op == Opcode::Text && isValidUtf8(m.payload)) {
        return "(not JSON) " + preview(m.payload);
    }
    return std::string("(") + toString(m.op) + ", " + std::to_string(m.payload.size()) + " bytes)";
}

std::string describeClose(const Message& m) {
    int code = closeCode(m.payload);
    if (code < 0) {
        return "close (no code)";
    }
    std::string reason = m.payload.substr(2);
    std::string out = "close " + std::to_string(code);
    if (!reason.empty()) {
        out += " " + (isValidUtf8(reason) ? preview(reason) : std::string("(reason not UTF-8)"));
    }
    return out;
}

// A valid JSON text on one line: raw CR, LF and TAB can only be whitespace between tokens
// (inside strings JSON requires them escaped), so replacing them keeps the value unchanged.
std::string oneLine(std::string json) {
    for (char& c : json) {
        if (c == '\r' || c == '\n' || c == '\t') {
            c = ' ';
        }
    }
    return json;
}

std::string dataJson(const Message& m) {
    if (m.op == Opcode::Close) {
        int code = closeCode(m.payload);
        return "{\"code\":" + (code < 0 ? std::string("null") : std::to_string(code)) +
               ",\"reason\":" + jsonString(m.payload.size() > 2 ? m.payload.substr(2) : "") + "}";
    }
    if (m.op == Opcode::Text || m.op == Opcode::Binary) {
        if (!classify(m.payload).malformed) {
            return oneLine(m.payload);
        }
        if (m.op == Opcode::Text) {
            return jsonString(m.payload);
        }
    }
    return "{\"base64\":\"" + encodeBase64(m.payload) + "\"}";
}

}  // namespace

std::string EventPrinter::line(const Message& m) {
    std::string out = localClock(m.wall_us);
    out += m.dir == Direction::ServerToClient ? " < " : " > ";
    if (m.op == Opcode::Text || m.op == Opcode::Binary) {
        return out + describeData(m);
    }
    if (m.op == Opcode::Close) {
        return out + describeClose(m);
    }
    return out + toString(m.op) + " (" + std::to_string(m.payload.size()) + " bytes)";
}

std::string EventPrinter::jsonl(const Message& m) {
    return "{\"t_ms\":" + std::to_string(m.t_us / 1000) + ",\"dir\":\"" + toString(m.dir) + "\",\"op\":\"" +
           toString(m.op) + "\",\"data\":" + dataJson(m) + "}";
}

}  // namespace rtmtap
