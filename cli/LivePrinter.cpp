#include "LivePrinter.h"

#include "protocol/Classifier.h"
#include "view/TerminalText.h"

#include <algorithm>
#include <cstdio>

namespace rtmtap::cli {

void LivePrinter::onSessionStart(const SessionInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << "  session " << info.id << " opened: " << terminalSafe(info.client) << " -> " << terminalSafe(info.upstream)
         << "\n";
}

void LivePrinter::onMessage(const Message& m) {
    std::string name;
    if (m.op == Opcode::Text || m.op == Opcode::Binary) {
        Classification c = classify(m.payload);
        name = c.malformed ? "(not JSON)" : c.name;
    }
    // Padded before colouring: escape sequences must not count as width.
    char head[48], op[16], size[24];
    std::snprintf(head, sizeof(head), "  %8.3fs  #%-3lld ", m.t_us / 1e6, static_cast<long long>(m.session));
    std::snprintf(op, sizeof(op), " %-6s ", toString(m.op));
    // The name came off the network: escaped, cut to 28 columns and padded by columns.
    std::string label = terminalLine(name, 28);
    label.append(28 - std::min<size_t>(28, terminalColumns(label)), ' ');
    std::snprintf(size, sizeof(size), " %6llu B", static_cast<unsigned long long>(m.size));
    const bool up = m.dir == Direction::ClientToServer;
    std::string line = palette_.dim(head) + (up ? palette_.c2s("->") : palette_.s2c("<-")) + op + palette_.bold(label) + palette_.dim(size);
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << line << "\n";
}

void LivePrinter::onSessionEnd(const SessionEnd& end) {
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << "  session " << end.id << " ended";
    if (!end.closed_by.empty()) {
        out_ << ": closed by " << terminalSafe(end.closed_by) << " (" << end.close_code << ")";
    }
    if (!end.error.empty()) {
        out_ << ": " << terminalSafe(end.error);
    }
    out_ << "\n";
}

}  // namespace rtmtap::cli
