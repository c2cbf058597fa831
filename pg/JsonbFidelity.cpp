#include "JsonbFidelity.h"

#include "protocol/JsonScanner.h"

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace rtmtap::pg {
namespace {

constexpr int kMaxDigits = 15;     // DBL_DIG: every decimal of 15 digits survives a double
constexpr int kMaxScale = 22;      // 10^22 is the largest power of ten a double holds exactly

// Stops caring once something unfaithful is seen (the scan still runs to its end: the scanner
// has no early exit, and a payload is small next to the rest of a ship).
class FidelityCheck : public JsonHandler {
public:
    explicit FidelityCheck(std::string_view text) : text_(text) {}

    bool faithful() const { return faithful_; }

    void beginObject(size_t, size_t depth) {
        if (keys_.size() < depth) {
            keys_.resize(depth);
        }
        keys_[depth - 1].clear();
        depth_ = depth;
    }
    void endObject(size_t, size_t depth) { depth_ = depth - 1; }
    void beginArray(size_t, size_t depth) { depth_ = depth; }
    void endArray(size_t, size_t depth) { depth_ = depth - 1; }

    void key(const JsonString& key) {
        if (key.escaped) {
            faithful_ = false;
            return;
        }
        // The innermost open container is this object (a key only comes inside one).
        if (!keys_[depth_ - 1].insert(text_.substr(key.offset, key.length)).second) {
            faithful_ = false;
        }
    }

    void numberValue(const JsonNumber& number) {
        if (faithful_ && !faithfulNumber(text_.substr(number.offset, number.length))) {
            faithful_ = false;
        }
    }

private:
    std::string_view text_;
    std::vector<std::unordered_set<std::string_view>> keys_;  // per depth; arrays leave theirs unused
    size_t depth_ = 0;
    bool faithful_ = true;
};

}  // namespace

bool faithfulNumber(std::string_view token) {
    int64_t integer = 0;
    if (parseJsonInt64(token, integer)) {
        return true;
    }
    // -? int frac? exp?: count the significant digits and the scale of the last one.
    size_t i = token.empty() || token[0] != '-' ? 0 : 1;
    std::string digits;
    int fractionDigits = 0;
    bool inFraction = false;
    for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
        if (token[i] == '.') {
            inFraction = true;
        } else if (token[i] < '0' || token[i] > '9') {
            return false;
        } else {
            digits += token[i];
            fractionDigits += inFraction ? 1 : 0;
        }
    }
    if (digits.empty()) {
        return false;  // not a number token
    }
    int64_t exponent = 0;
    if (i < token.size()) {
        std::string_view e = token.substr(i + 1);
        if (!e.empty() && e[0] == '+') {
            e.remove_prefix(1);
        }
        if (e.size() > 6 || !parseJsonInt64(e, exponent)) {
            return false;  // an exponent of 7 digits is past any double
        }
    }
    // The decimal is digits * 10^scale; leading and trailing zeros carry no digit of the value.
    int64_t scale = exponent - fractionDigits;
    size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) {
        return true;  // zero, however written
    }
    size_t last = digits.find_last_not_of('0');
    scale += static_cast<int64_t>(digits.size() - 1 - last);
    const int64_t significant = static_cast<int64_t>(last - first + 1);
    return significant <= kMaxDigits && scale >= -kMaxScale && scale + significant - 1 <= kMaxScale;
}

bool jsonbReadsLikeSqlite(std::string_view json) {
    FidelityCheck check(json);
    return JsonScanner(json).scan(check) && check.faithful();
}

}  // namespace rtmtap::pg
