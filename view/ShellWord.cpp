#include "ShellWord.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace rtmtap::view {

std::string shellWord(const std::string& text) {
    auto literal = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_./:@%+=,-").find(c) != std::string_view::npos;
    };
    if (!text.empty() && std::all_of(text.begin(), text.end(), literal)) {
        return text;
    }
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

}  // namespace rtmtap::view
