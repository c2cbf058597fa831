#include "FrameWords.h"

#include "protocol/Utf8.h"
#include "store/FrameFilter.h"

#include <algorithm>

namespace rtmtap::pg {

std::optional<std::vector<std::string>> frameWords(std::string_view payload) {
    std::vector<std::string> tokens = textTokens(std::string(payload));
    // std::string orders bytes as unsigned, as tsvector does (shorter first on a common prefix).
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    size_t total = 0;
    std::vector<std::string> lexemes;
    lexemes.reserve(tokens.size());
    for (std::string& token : tokens) {
        // The covered frames are valid UTF-8 and a token never splits a character (every byte
        // >= 0x80 is a token byte); checked anyway: the server refuses invalid text outright.
        if (token.size() > kMaxLexeme || !isValidUtf8(token)) {
            continue;
        }
        total += token.size();
        if (total > kMaxLexemes) {
            return std::nullopt;
        }
        lexemes.push_back(std::move(token));
    }
    return lexemes;
}

}  // namespace rtmtap::pg
