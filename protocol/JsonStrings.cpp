#include "JsonStrings.h"

#include "Hex.h"

#include <algorithm>
#include <cstdint>

namespace rtmtap {
namespace {

constexpr size_t kMaxDepth = 512;  // deeper texts are reported invalid (no recursion anyway)

void appendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

class Scanner {
public:
    explicit Scanner(std::string_view text) : s_(text) {}
    JsonStringScan run();

private:
    struct Level {
        bool object;
        std::string key;
    };
    enum class Expect { Value, ValueOrEnd, Key, KeyOrEnd, Colon, CommaOrEnd, Done };

    void skipWhitespace();
    bool string(size_t& start, size_t& end, std::string& decoded);
    bool escape(std::string& decoded);
    bool number();
    bool literal();
    bool value(Expect& expect);
    bool closeLevel(char c, Expect& expect);
    void afterValue(Expect& expect);
    std::string path() const;

    std::string_view s_;
    size_t i_ = 0;
    std::vector<Level> levels_;
    JsonStringScan out_;
};

JsonStringScan Scanner::run() {
    Expect expect = Expect::Value;
    for (;;) {
        skipWhitespace();
        if (i_ == s_.size()) {
            out_.valid = expect == Expect::Done;
            return out_;
        }
        const char c = s_[i_];
        bool ok = false;
        switch (expect) {
        case Expect::Done:
            ok = false;
            break;
        case Expect::ValueOrEnd:
            ok = c == ']' ? closeLevel(c, expect) : value(expect);
            break;
        case Expect::Value:
            ok = value(expect);
            break;
        case Expect::KeyOrEnd:
        case Expect::Key:
            if (c == '}' && expect == Expect::KeyOrEnd) {
                ok = closeLevel(c, expect);
            } else if (c == '"') {
                size_t start = 0, end = 0;
                ok = string(start, end, levels_.back().key);
                expect = Expect::Colon;
            }
            break;
        case Expect::Colon:
            ok = c == ':';
            ++i_;
            expect = Expect::Value;
            break;
        case Expect::CommaOrEnd:
            if (c == ',') {
                ++i_;
                ok = true;
                expect = levels_.back().object ? Expect::Key : Expect::Value;
            } else {
                ok = closeLevel(c, expect);
            }
            break;
        }
        if (!ok) {
            return out_;
        }
    }
}

void Scanner::skipWhitespace() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
        ++i_;
    }
}

bool Scanner::value(Expect& expect) {
    const char c = s_[i_];
    if (c == '{' || c == '[') {
        if (levels_.size() >= kMaxDepth) {
            return false;
        }
        ++i_;
        levels_.push_back({c == '{', ""});
        expect = c == '{' ? Expect::KeyOrEnd : Expect::ValueOrEnd;
        return true;
    }
    if (c == '"') {
        JsonStringMember member;
        size_t end = 0;
        if (!string(member.offset, end, member.value)) {
            return false;
        }
        member.length = end - member.offset;
        if (!levels_.empty() && levels_.back().object) {
            member.key = levels_.back().key;
            member.path = path();
            out_.members.push_back(std::move(member));
        }
        afterValue(expect);
        return true;
    }
    bool ok = (c == '-' || (c >= '0' && c <= '9')) ? number() : literal();
    afterValue(expect);
    return ok;
}

bool Scanner::closeLevel(char c, Expect& expect) {
    if (levels_.empty() || c != (levels_.back().object ? '}' : ']')) {
        return false;
    }
    ++i_;
    levels_.pop_back();
    afterValue(expect);
    return true;
}

void Scanner::afterValue(Expect& expect) {
    expect = levels_.empty() ? Expect::Done : Expect::CommaOrEnd;
}

std::string Scanner::path() const {
    std::string p;
    for (const Level& level : levels_) {
        if (!p.empty()) {
            p += '.';
        }
        p += level.object ? level.key : "[]";
    }
    return p;
}

// At the opening quote; on success i_ is past the closing quote and [start, end) is the content.
bool Scanner::string(size_t& start, size_t& end, std::string& decoded) {
    decoded.clear();
    start = ++i_;
    while (i_ < s_.size()) {
        const char c = s_[i_];
        if (c == '"') {
            end = i_++;
            return true;
        }
        if (static_cast<unsigned char>(c) < 0x20) {
            return false;
        }
        if (c == '\\') {
            if (!escape(decoded)) {
                return false;
            }
            continue;
        }
        decoded += c;
        ++i_;
    }
    return false;
}

// At a backslash inside a string.
bool Scanner::escape(std::string& decoded) {
    if (i_ + 1 >= s_.size()) {
        return false;
    }
    const char e = s_[i_ + 1];
    i_ += 2;
    switch (e) {
    case '"': decoded += '"'; return true;
    case '\\': decoded += '\\'; return true;
    case '/': decoded += '/'; return true;
    case 'b': decoded += '\b'; return true;
    case 'f': decoded += '\f'; return true;
    case 'n': decoded += '\n'; return true;
    case 'r': decoded += '\r'; return true;
    case 't': decoded += '\t'; return true;
    case 'u': break;
    default: return false;
    }
    auto hex4 = [&](uint32_t& cp) {
        if (i_ + 4 > s_.size()) {
            return false;
        }
        cp = 0;
        for (size_t k = 0; k < 4; ++k) {
            int v = hexValue(s_[i_ + k]);
            if (v < 0) {
                return false;
            }
            cp = cp * 16 + static_cast<uint32_t>(v);
        }
        i_ += 4;
        return true;
    };
    uint32_t cp = 0;
    if (!hex4(cp)) {
        return false;
    }
    // A surrogate pair becomes one code point; a lone surrogate becomes U+FFFD.
    if (cp >= 0xD800 && cp < 0xDC00 && i_ + 1 < s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
        size_t back = i_;
        i_ += 2;
        uint32_t low = 0;
        if (hex4(low) && low >= 0xDC00 && low < 0xE000) {
            appendUtf8(decoded, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
            return true;
        }
        i_ = back;
    }
    appendUtf8(decoded, (cp >= 0xD800 && cp < 0xE000) ? 0xFFFD : cp);
    return true;
}

bool Scanner::number() {
    auto digits = [&] {
        size_t from = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
            ++i_;
        }
        return i_ > from;
    };
    if (s_[i_] == '-') {
        ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '0') {
        ++i_;
    } else if (!digits()) {
        return false;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
        ++i_;
        if (!digits()) {
            return false;
        }
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
        ++i_;
        if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
            ++i_;
        }
        if (!digits()) {
            return false;
        }
    }
    return true;
}

bool Scanner::literal() {
    for (std::string_view word : {"true", "false", "null"}) {
        if (s_.substr(i_, word.size()) == word) {
            i_ += word.size();
            return true;
        }
    }
    return false;
}

}  // namespace

JsonStringScan scanJsonStrings(std::string_view text) {
    return Scanner(text).run();
}

std::string escapeJsonContent(std::string_view text) {
    static const char* const hex = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xF];
        } else {
            out += c;
        }
    }
    return out;
}

std::string spliceJsonStrings(std::string_view text,
                              const std::vector<std::pair<JsonStringMember, std::string>>& replacements) {
    std::vector<const std::pair<JsonStringMember, std::string>*> order;
    for (const auto& r : replacements) {
        order.push_back(&r);
    }
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first.offset < b->first.offset; });
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    for (const auto* r : order) {
        if (r->first.offset < at || r->first.offset + r->first.length > text.size()) {
            continue;  // overlapping or foreign spans: a caller bug must not corrupt memory
        }
        out.append(text.substr(at, r->first.offset - at));
        out += escapeJsonContent(r->second);
        at = r->first.offset + r->first.length;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace rtmtap
