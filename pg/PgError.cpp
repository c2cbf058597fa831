#include "PgError.h"

#include <sstream>
#include <utility>

namespace rtmtap::pg {
namespace {

bool blank(const std::string& line) {
    return line.find_first_not_of(" \t\r") == std::string::npos;
}

std::string trim(const std::string& text) {
    size_t begin = text.find_first_not_of(" \t\r");
    size_t end = text.find_last_not_of(" \t\r");
    return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// libpq writes severities as "FATAL:  " (two spaces), at the start or after "...failed: ".
void removeSeverities(std::string& line) {
    for (const char* severity : {"ERROR:  ", "FATAL:  ", "PANIC:  "}) {
        const std::string s = severity;
        for (size_t at = line.find(s); at != std::string::npos; at = line.find(s, at)) {
            line.erase(at, s.size());
        }
    }
}

}  // namespace

PgError::PgError(std::string oneLine, std::string sqlstate, bool connectionLost)
    : std::runtime_error(firstLine(oneLine)), sqlstate_(std::move(sqlstate)), connectionLost_(connectionLost) {}

std::string PgError::firstLine(const std::string& message) {
    std::istringstream in(message);
    std::string line;
    while (std::getline(in, line)) {
        if (!blank(line)) {
            removeSeverities(line);
            return trim(line);
        }
    }
    return "unknown PostgreSQL error";
}

}  // namespace rtmtap::pg
