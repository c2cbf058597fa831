#include "JsonPretty.h"

#include "protocol/Classifier.h"

namespace rtmtap::cli {
namespace {

constexpr size_t kMaxDepth = 512;  // as protocol/JsonStrings

bool isJsonSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t skipSpace(std::string_view text, size_t pos) {
    while (pos < text.size() && isJsonSpace(text[pos])) {
        ++pos;
    }
    return pos;
}

// Just past the closing quote of the string whose opening quote is at pos (text is valid JSON).
size_t stringEnd(std::string_view text, size_t pos) {
    for (size_t i = pos + 1; i < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;  // the escaped character cannot close the string
        } else if (text[i] == '"') {
            return i + 1;
        }
    }
    return text.size();
}

// Copies the tokens of a valid JSON text, replacing the whitespace between them.
class Indenter {
public:
    Indenter(std::string_view text, int indent) : text_(text), step_(indent > 0 ? static_cast<size_t>(indent) : 0) {
        out_.reserve(text.size() * 2);
    }

    // False when the nesting is deeper than kMaxDepth.
    bool run() {
        while (pos_ < text_.size()) {
            if (!token()) {
                return false;
            }
        }
        return true;
    }

    std::string take() { return std::move(out_); }

private:
    bool token() {
        const char c = text_[pos_];
        if (isJsonSpace(c)) {
            ++pos_;
        } else if (c == '"') {
            const size_t end = stringEnd(text_, pos_);
            out_.append(text_.substr(pos_, end - pos_));
            pos_ = end;
        } else if (c == '{' || c == '[') {
            return open(c);
        } else if (c == '}' || c == ']') {
            --depth_;
            newline();
            out_ += c;
            ++pos_;
        } else if (c == ',') {
            out_ += ',';
            newline();
            ++pos_;
        } else if (c == ':') {
            out_ += ": ";
            ++pos_;
        } else {
            out_ += c;  // a byte of a number or of true, false, null
            ++pos_;
        }
        return true;
    }

    bool open(char c) {
        if (depth_ + 1 > kMaxDepth) {
            return false;
        }
        out_ += c;
        const size_t next = skipSpace(text_, pos_ + 1);
        if (text_[next] == (c == '{' ? '}' : ']')) {
            out_ += text_[next];  // empty: stays on one line
            pos_ = next + 1;
            return true;
        }
        ++depth_;
        newline();
        pos_ = next;
        return true;
    }

    void newline() {
        out_ += '\n';
        out_.append(depth_ * step_, ' ');
    }

    std::string_view text_;
    size_t step_;
    size_t pos_ = 0;
    size_t depth_ = 0;
    std::string out_;
};

}  // namespace

std::optional<std::string> prettyJson(std::string_view text, int indent) {
    // classify() is rtmtap's strict RFC 8259 check (no recursion); the indenter then trusts it.
    if (classify(text).malformed) {
        return std::nullopt;
    }
    Indenter indenter(text, indent);
    if (!indenter.run()) {
        return std::nullopt;
    }
    return indenter.take();
}

}  // namespace rtmtap::cli
