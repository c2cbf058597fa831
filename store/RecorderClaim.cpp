#include "RecorderClaim.h"

#include "Database.h"
#include "DatabaseError.h"
#include "Statement.h"

#include <sqlite3.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace rtmtap {
namespace {

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. Read after
// the last ')' since the command name in field 2 may hold spaces and parentheses.
std::string startTime(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) {
        return "";
    }
    std::istringstream fields(stat.substr(paren + 1));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
    }
    return field;
}

std::string markOf(Database& db) {
    Statement s(db, "SELECT value FROM meta WHERE key = 'recording'");
    std::string mark = s.step() ? s.columnText(0) : "";
    s.reset();
    return mark;
}

[[noreturn]] void refuse(Database& db, const std::string& mark, const std::string& what) {
    std::string pid = mark.substr(0, mark.find(' '));
    std::string message = "'" + db.path() + "' is being recorded by rtmtap proxy (pid " + pid + "); " + what;
    throw DatabaseError(message, SQLITE_BUSY, message);
}

}  // namespace

std::string RecorderClaim::ownMark() {
    std::string pid = std::to_string(::getpid());
    return pid + " " + startTime(pid);
}

bool RecorderClaim::isAlive(const std::string& mark) {
    std::istringstream in(mark);
    std::string pid, started;
    if (!(in >> pid >> started) || pid.find_first_not_of("0123456789") != std::string::npos) {
        return false;
    }
    return startTime(pid) == started;
}

void RecorderClaim::claim(Database& db) {
    std::string mark = markOf(db);
    if (!mark.empty() && mark != ownMark() && isAlive(mark)) {
        refuse(db, mark, "record into another file (two recorders would hand out the same session ids)");
    }
    const std::string own = ownMark();  // bound without a copy: it must outlive run()
    Statement s(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('recording', ?1)");
    s.bindText(1, own);
    s.run();
}

void RecorderClaim::release(Database& db) noexcept {
    try {
        const std::string own = ownMark();
        Statement s(db, "DELETE FROM meta WHERE key = 'recording' AND value = ?1");
        s.bindText(1, own);
        s.run();
    } catch (const std::exception&) {
        // A stale mark is harmless: the next reader of it sees its process is gone.
    }
}

void RecorderClaim::checkNotRecording(Database& db) {
    std::string mark = markOf(db);
    if (!mark.empty() && isAlive(mark)) {
        refuse(db, mark, "import into another file, or stop the proxy first");
    }
}

}  // namespace rtmtap
