#pragma once
// A PostgreSQL failure as one line: libpq's messages span lines (a "\tIs the server running..."
// hint, "DETAIL:" lines) and carry "ERROR:  " / "FATAL:  " severities; the CLI prints one line
// per error. connectionLost() says the session is gone (the server restarted, the socket
// closed, it could not be opened): the caller may reconnect and retry, which makes no sense for
// a bad statement. The message never holds a password (URLs go through PgConnection::redacted).
#include <stdexcept>
#include <string>

namespace rtmtap::pg {

class PgError : public std::runtime_error {
public:
    // oneLine is reduced to its first meaningful line (see firstLine), whatever it holds.
    PgError(std::string oneLine, std::string sqlstate, bool connectionLost);

    // The five-character SQLSTATE ("42P01"), "" when the failure did not come with one.
    const std::string& sqlstate() const { return sqlstate_; }
    bool connectionLost() const { return connectionLost_; }

    // The first non-blank line of a libpq message, trimmed, without severity prefixes.
    static std::string firstLine(const std::string& message);

private:
    std::string sqlstate_;
    bool connectionLost_;
};

}  // namespace rtmtap::pg
