#include "Rule.h"

namespace rtmtap {

const char* toString(Rule::Action action) {
    switch (action) {
    case Rule::Action::Drop: return "drop";
    case Rule::Action::Set: return "set";
    case Rule::Action::Delete: return "delete";
    case Rule::Action::Delay: return "delay_ms";
    case Rule::Action::Duplicate: return "duplicate";
    case Rule::Action::Replace: return "replace";
    case Rule::Action::InsertBefore: return "insert_before";
    case Rule::Action::InsertAfter: return "insert_after";
    case Rule::Action::Close: return "close";
    }
    return "?";
}

std::string Rule::label() const {
    constexpr size_t kWidth = 72;
    std::string shown = text;
    if (text.size() > kWidth) {
        size_t cut = kWidth - 3;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
            --cut;  // not inside a UTF-8 sequence
        }
        shown = text.substr(0, cut) + "...";
    }
    return "line " + std::to_string(line) + " " + shown;
}

}  // namespace rtmtap
