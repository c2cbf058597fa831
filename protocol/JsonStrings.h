#pragma once
// The string values of object members in a JSON text, with their byte spans, so that one value
// can be replaced (ws_endpoint rewrite) or redacted (tokens, passwords) by a byte splice that
// keeps everything else exactly as the server wrote it (pretty-printing, key order, escapes).
// One pass, no DOM; any bytes are accepted without crashing.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

struct JsonStringMember {
    std::string path;    // keys from the top, joined with '.'; an array level adds "[]": "rtm.ws_endpoint"
    std::string key;     // the member's own key, decoded
    size_t offset = 0;   // the value's content between its quotes, as raw (escaped) bytes
    size_t length = 0;
    std::string value;   // the content decoded (escapes resolved, e.g. "wss:\/\/h" -> "wss://h")
};

struct JsonStringScan {
    // The whole text is one JSON value (RFC 8259) with only whitespace around, nested at most 512
    // levels. Bytes 0x80-0xFF in strings are not checked as UTF-8 (see scanJsonStrings).
    bool valid = false;
    // Members found, in text order; for invalid text, those found before the first error.
    std::vector<JsonStringMember> members;
};

JsonStringScan scanJsonStrings(std::string_view text);

// Replaces the content of each member (spans must come from one scan of text) with the escaped
// replacement (appendJsonContent with InvalidUtf8::Keep: bytes that are not UTF-8 stay as they
// are, like the rest of the text); members with equal spans are not allowed. Returns the new text.
std::string spliceJsonStrings(std::string_view text,
                              const std::vector<std::pair<JsonStringMember, std::string>>& replacements);

// One byte splice: [offset, offset + length) of a text becomes bytes (raw: the caller made them
// valid JSON where they go). protocol/JsonPath says where a value, or a member to delete or add,
// stands.
struct JsonSplice {
    size_t offset = 0;
    size_t length = 0;
    std::string bytes;
};

// Applies the splices (in any order; overlapping ones and ones beyond the text are skipped) and
// returns the new text: every byte outside them stays as it was.
std::string spliceJson(std::string_view text, std::vector<JsonSplice> splices);

}  // namespace rtmtap
