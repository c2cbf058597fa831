#pragma once
// Which frames a reader wants, as data: the filters `query`, `show` and `tail` take, shared by
// every command that filters frames. Values of one option are OR'ed (--op ping --op pong), options
// are AND'ed; --event and --command together are one name filter (a frame is one or the other).
// store/FrameSearch turns it into index lookups and SQL; cli/FrameFilterOptions binds it to flags.
#include "protocol/Classifier.h"
#include "protocol/JsonPath.h"
#include "protocol/Message.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rtmtap {

// A value bound to an SQL parameter.
using SqlValue = std::variant<int64_t, double, std::string>;

// --where PATH=VALUE: the JSON value at path in the frame's payload equals value.
struct JsonCondition {
    enum class Type { Null, True, False, Integer, Real, Text };
    JsonPath path;     // payload.message.message_type, a[0]
    Type type = Type::Text;
    SqlValue value;    // Integer, Real and Text only
};

// --where's PATH=VALUE: PATH a dotted path into the frame's JSON (payload.message.id, a[0],
// with or without a leading "$."), VALUE null, true, false, a number, "a quoted string" or any
// other text as a string. Throws std::invalid_argument with a one-line reason. (The rules' match
// "where" takes the same text.)
JsonCondition parseWhere(const std::string& text);

// A --where value that is not text, as JSON writes it: null, true, false, an integer, a real with
// every digit it needs (%.17g). "" for text, which each caller writes its own way.
std::string scalarText(const JsonCondition& condition);

struct FrameFilter {
    std::vector<int64_t> sessions;
    std::vector<Direction> dirs;
    std::vector<Opcode> ops;
    std::vector<Kind> kinds;
    std::vector<std::string> events;    // SQLite GLOB patterns on an event's name ("chat.*")
    std::vector<std::string> commands;  // idem, on a command's name
    std::vector<int64_t> channels;      // frames.channel_id
    std::vector<int64_t> messages;      // frames.message_id
    std::vector<int64_t> users;         // frames.user_id: the user the frame is about or from
    std::optional<int64_t> sinceUs;     // wall clock, µs since the epoch, inclusive
    std::optional<int64_t> untilUs;     // idem
    std::vector<std::string> words;     // --text: the payload holds every word (case-insensitive)
    std::vector<JsonCondition> wheres;  // --where: every condition holds
    bool malformed = false;             // only frames flagged malformed
    bool edited = false;                // only frames a filter sent in place of another
    bool injected = false;              // only frames an injector sent
    std::vector<std::string> findings;  // --finding: GLOB patterns on lint rule ids ("*": any) of a
                                        // stored finding about the frame (findings table)

    bool empty() const;
};

// The filter as an SQL condition over `frames f` (true when the filter is empty), and the values
// to bind, in order, to its parameters ?firstParam, ?firstParam+1, ... Integer values are
// written into the SQL (they come from typed fields, never from text).
struct FrameFilterSql {
    std::string condition;
    std::vector<SqlValue> values;
};

// wordsBy: how --text words are matched. A word matches where it stands between non-token
// characters, case-insensitively (ASCII), as SQLite's FTS5 ascii tokenizer sees it: "post" does
// not match "postMessage". Only frames the text index holds can match (text, JSON binary, valid
// UTF-8). Scan: every word by a GLOB over the payload, for the frames the
// full-text index does not cover. Index: the caller matches the tokens through frames_fts; the
// GLOB only checks that a word of several tokens ("chat.postMessage") has them in that order.
enum class WordMatch { Scan, Index };

// The conditions on the columns every backend stores alike (session, dir, op, kind, channel,
// message, user, wall time, flags), as SQL over `frames f` that SQLite and PostgreSQL read the
// same way; each backend's toSql adds its own for names, words, --where and --finding.
std::vector<std::string> plainTerms(const FrameFilter& filter);
FrameFilterSql toSql(const FrameFilter& filter, int firstParam, WordMatch wordsBy = WordMatch::Scan);

// The tokens of a --text word as SQLite's FTS5 ascii tokenizer splits it (runs of ASCII letters
// and digits and of non-ASCII bytes), lower-cased: "chat.postMessage" -> chat, postmessage.
std::vector<std::string> textTokens(const std::string& word);
// The FTS5 MATCH expression for all words: every token quoted, AND'ed; "" when no word has one.
std::string ftsQuery(const std::vector<std::string>& words);

}  // namespace rtmtap
