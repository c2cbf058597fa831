#include "KeyLog.h"

#include <openssl/ssl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <mutex>
#include <unistd.h>

namespace rtmtap {
namespace {

struct State {
    std::mutex mutex;
    bool overridden = false;    // setPathForTests() was called with a path
    std::string testPath;
    std::string openPath;       // the file fd writes to
    int fd = -1;
    std::string failedPath;     // said on stderr already
};

State& state() {
    static State* s = new State;  // leaked on purpose: a handshake may still run while exit() destroys statics
    return *s;
}

std::string wantedPath(const State& s) {
    if (s.overridden) {
        return s.testPath;
    }
    const char* env = std::getenv("SSLKEYLOGFILE");
    return env ? env : "";
}

// Called with s.mutex held: fd is open on path, or -1 after one line on stderr.
void openFor(State& s, const std::string& path) {
    if (s.openPath == path && (s.fd >= 0 || s.failedPath == path)) {
        return;
    }
    if (s.fd >= 0) {
        ::close(s.fd);
        s.fd = -1;
    }
    s.openPath = path;
    s.fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (s.fd < 0 && s.failedPath != path) {
        s.failedPath = path;
        std::cerr << "rtmtap: cannot open SSLKEYLOGFILE '" << path << "': " << std::strerror(errno)
                  << " (TLS secrets are not logged)" << std::endl;
    }
}

void writeLine(const SSL*, const char* line) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.fd < 0) {
        return;
    }
    // One write() per line: unbuffered (nothing to flush) and, with O_APPEND, never interleaved
    // with another process logging to the same file (a browser, curl).
    std::string text = std::string(line) + "\n";
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(s.fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        done += static_cast<size_t>(n);
    }
}

}  // namespace

void KeyLog::install(SSL_CTX* ctx) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    const std::string path = wantedPath(s);
    if (path.empty() || !ctx) {
        return;
    }
    openFor(s, path);
    if (s.fd >= 0) {
        SSL_CTX_set_keylog_callback(ctx, writeLine);
    }
}

void KeyLog::setPathForTests(const std::string& path) {
    State& s = state();
    std::lock_guard<std::mutex> lock(s.mutex);
    s.overridden = !path.empty();
    s.testPath = path;
    if (s.fd >= 0) {
        ::close(s.fd);
        s.fd = -1;
    }
    s.openPath.clear();
    if (!path.empty()) {
        openFor(s, path);
    }
}

}  // namespace rtmtap
