#pragma once
// Recorded text printed for people on a terminal: a name, a label, a close reason or a payload
// came off the network or out of an imported file, and an ESC sequence, a C1 control (U+009B is
// a CSI) or a bidirectional override in it would rewrite what the terminal shows. Every readable
// output of the read commands passes recorded text through here (cli/ and view/).
#include <cstddef>
#include <string>
#include <string_view>

namespace rtmtap {

// The next character of s at i as it is shown: itself, or an escape (\n, \t, \xNN for other
// control characters, C1 controls, overrides and bytes that are not UTF-8). Advances i.
std::string terminalCharacter(std::string_view s, size_t& i);

// text with every character as terminalCharacter shows it: one line, safe to print.
std::string terminalSafe(std::string_view text);

// Text of several lines (indented JSON) with each line made terminalSafe, indent before each and
// a newline after each.
std::string terminalLines(std::string_view text, std::string_view indent);

// terminalSafe(text) in at most maxColumns columns (a character is a column), cut with "…".
std::string terminalLine(std::string_view text, size_t maxColumns);

// The columns a terminalSafe text takes: its characters (a UTF-8 sequence counts as one).
size_t terminalColumns(std::string_view safeText);

}  // namespace rtmtap
