#pragma once
// Re-indents a JSON text for people (`rtmtap show --pretty`) without re-serialising it: every
// string and number keeps its exact bytes (12345678901234567890, 1.0e5 and "\u00e9" stay as
// written, so what is shown is what was on the wire), only the whitespace between tokens changes.
#include <optional>
#include <string>
#include <string_view>

namespace rtmtap::cli {

// One object member or array element a line, `"key": value`, each level indent spaces deeper
// (a negative indent counts as 0); {} and [] (whitespace inside allowed) stay on one line. No
// newline at the end. nullopt when text is not one valid JSON value (RFC 8259, UTF-8 included,
// only whitespace around it) or nests deeper than 512 levels (the output would be mostly
// indentation); the caller then shows the text as it is. No recursion: any input is safe.
std::optional<std::string> prettyJson(std::string_view text, int indent = 2);

}  // namespace rtmtap::cli
