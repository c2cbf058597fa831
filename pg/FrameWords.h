#pragma once
// The words column of rtmtap.frames: a payload's tokens as `--text` sees them
// (store/FrameFilter.h textTokens: SQLite FTS5's ascii rules), distinct, in the order a tsvector
// keeps them, without positions (a --text word of several tokens is checked on the payload).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap::pg {

// tsvector's limits: a lexeme up to 2,047 bytes, all lexemes together under 1 MiB. A longer
// token cannot be a lexeme and is left out (no --text word of that length is looked up through
// the index); a payload whose distinct tokens pass 1 MiB gets no words at all (nullopt).
constexpr size_t kMaxLexeme = 2047;
constexpr size_t kMaxLexemes = (1u << 20) - 1;

std::optional<std::vector<std::string>> frameWords(std::string_view payload);

}  // namespace rtmtap::pg
