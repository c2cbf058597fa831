#include "LivePrinter.h"

#include "protocol/Classifier.h"

#include <cstdio>

namespace rtmtap::cli {

void LivePrinter::onSessionStart(const SessionInfo& info) {
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << "  session " << info.id << " opened: " << info.client << " -> " << info.upstream << "\n";
}

void LivePrinter::onMessage(const Message& m) {
    std::string name;
    if (m.op == Opcode::Text || m.op == Opcode::Binary) {
        Classification c = classify(m.payload);
        name = c.malformed ? "(not JSON)" : c.name;
    }
    char line[160];
    std::snprintf(line, sizeof(line), "  %8.3fs  #%-3lld %s %-6s %-28.28s %6llu B", m.t_us / 1e6,
                  static_cast<long long>(m.session), m.dir == Direction::ClientToServer ? "->" : "<-", toString(m.op),
                  name.c_str(), static_cast<unsigned long long>(m.size));
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << line << "\n";
}

void LivePrinter::onSessionEnd(const SessionEnd& end) {
    std::lock_guard<std::mutex> lock(mutex_);
    out_ << "  session " << end.id << " ended";
    if (!end.closed_by.empty()) {
        out_ << ": closed by " << end.closed_by << " (" << end.close_code << ")";
    }
    if (!end.error.empty()) {
        out_ << ": " << end.error;
    }
    out_ << "\n";
}

}  // namespace rtmtap::cli
