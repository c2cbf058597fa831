#include "Process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

extern char** environ;

namespace rtmtap::test {
namespace {

using Clock = std::chrono::steady_clock;

void closeFd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
        }
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        closeFd(read);
        closeFd(write);
    }
};

// The port of a "rtmtap: listening on ws://HOST:PORT ..." line in text, 0 when there is none.
uint16_t findListeningPort(const std::string& text, std::string& line) {
    static const std::regex pattern(R"(rtmtap: listening on wss?://(\[[^\]]*\]|[^:/\s]+):(\d+)[^\n]*)");
    std::smatch m;
    if (!std::regex_search(text, m, pattern)) {
        return 0;
    }
    line = m.str(0);
    unsigned long port = std::stoul(m.str(2));
    return port > 0 && port <= 65535 ? static_cast<uint16_t>(port) : 0;
}

// A sanitizer report on the child's stderr (in a sanitizer build the child is instrumented as
// well): ASan, UBSan and TSan each end a report with "SUMMARY: <Name>Sanitizer: ...". A child
// killed by the test or one that exits 0 after a TSan report must still fail the test, and its
// stderr is not printed unless we do it here.
void failOnSanitizerReport(const std::string& err) {
    static const std::regex summary(R"(SUMMARY: \w+Sanitizer:)");
    if (!std::regex_search(err, summary)) {
        return;
    }
    size_t start = err.find("==================");  // TSan's report frame; ASan's starts with ==PID==
    if (start == std::string::npos) {
        start = err.find("==");
    }
    ADD_FAILURE() << "the child process reported a sanitizer error:\n"
                  << err.substr(start == std::string::npos ? 0 : start);
}

ExitStatus decode(int status) {
    ExitStatus s;
    if (WIFEXITED(status)) {
        s.exited = true;
        s.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        s.signal = WTERMSIG(status);
    }
    return s;
}

}  // namespace

std::string ExitStatus::describe() const {
    if (timedOut) {
        return "timed out (killed)";
    }
    if (exited) {
        return "exit " + std::to_string(code);
    }
    return "signal " + std::to_string(signal);
}

Process::Process(std::vector<std::string> args, std::string binary, bool withStdin) {
    Pipe in, out, err;
    spawn(binary, args, withStdin ? in.read : -1, out.write, err.write);
    closeFd(in.read);
    closeFd(out.write);
    closeFd(err.write);
    if (withStdin) {
        stdin_ = in.write;
        in.write = -1;
    }
    int outFd = out.read, errFd = err.read;
    out.read = err.read = -1;  // the reader thread owns them now
    reader_ = std::thread([this, outFd, errFd] { readLoop(outFd, errFd); });
}

bool Process::writeStdin(const std::string& text) {
    ::signal(SIGPIPE, SIG_IGN);  // a child that has gone must fail the write, not kill the test
    size_t done = 0;
    while (stdin_ >= 0 && done < text.size()) {
        ssize_t n = ::write(stdin_, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return stdin_ >= 0;
}

void Process::closeStdin() {
    closeFd(stdin_);
}

Process::~Process() {
    closeStdin();
    if (!reaped_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (reader_.joinable()) {
        reader_.join();  // the child is gone: its pipes report EOF
    }
    failOnSanitizerReport(err_);
}

void Process::spawn(const std::string& binary, const std::vector<std::string>& args, int inFd, int outFd, int errFd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (inFd >= 0) {
        posix_spawn_file_actions_adddup2(&actions, inFd, 0);
    } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, outFd, 1);
    posix_spawn_file_actions_adddup2(&actions, errFd, 2);
    // Sockets the test holds (POCO does not mark them close-on-exec) must not leak into the
    // child: they would keep connections open after the test closes them.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(binary.c_str()));
    for (const std::string& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, binary.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        reaped_ = true;
        throw std::runtime_error("cannot start " + binary + ": " + std::strerror(rc));
    }
}

void Process::readLoop(int outFd, int errFd) {
    int fds[2] = {outFd, errFd};
    char buf[65536];
    while (fds[0] >= 0 || fds[1] >= 0) {
        pollfd p[2];
        for (int i = 0; i < 2; ++i) {
            p[i] = pollfd{fds[i], POLLIN, 0};  // a negative fd is ignored by poll
        }
        if (::poll(p, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i] < 0 || p[i].revents == 0) {
                continue;
            }
            ssize_t n = ::read(fds[i], buf, sizeof(buf));
            if (n < 0 && errno == EINTR) {
                continue;
            }
            std::lock_guard<std::mutex> lock(mutex_);
            if (n <= 0) {
                closeFd(fds[i]);
            } else {
                (i == 0 ? out_ : err_).append(buf, static_cast<size_t>(n));
            }
            changed_.notify_all();
        }
    }
    closeFd(fds[0]);
    closeFd(fds[1]);
    std::lock_guard<std::mutex> lock(mutex_);
    outputEnded_ = true;
    changed_.notify_all();
}

uint16_t Process::waitForListening(int timeoutMs) {
    std::unique_lock<std::mutex> lock(mutex_);
    uint16_t port = 0;
    std::string line;
    changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
        port = findListeningPort(out_, line);
        return port != 0 || outputEnded_;
    });
    return port;
}

std::string Process::waitForMatch(const std::regex& pattern, int timeoutMs) {
    std::unique_lock<std::mutex> lock(mutex_);
    std::smatch m;
    changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                      [&] { return std::regex_search(out_, m, pattern) || outputEnded_; });
    return std::regex_search(out_, m, pattern) ? m.str(1) : std::string();
}

std::string Process::listeningLine() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string line;
    findListeningPort(out_, line);
    return line;
}

void Process::signal(int sig) {
    if (!reaped_) {
        ::kill(pid_, sig);
    }
}

ExitStatus Process::waitExit(int timeoutMs) {
    if (reaped_) {
        return status_;
    }
    auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    int status = 0;
    for (;;) {
        pid_t r = ::waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            status_ = decode(status);
            break;
        }
        if (r < 0 && errno != EINTR) {
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
        }
        if (Clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
            status_ = decode(status);
            status_.timedOut = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    reaped_ = true;
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(5), [&] { return outputEnded_; });
    return status_;
}

std::string Process::out() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return out_;
}

std::string Process::err() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return err_;
}

std::vector<std::string> Process::errLines() const {
    std::vector<std::string> lines;
    std::istringstream in(err());
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

ExitStatus Process::run(const std::vector<std::string>& args, std::string& out, std::string& err, int timeoutMs,
                        const std::string& binary) {
    Process p(args, binary);
    ExitStatus s = p.waitExit(timeoutMs);
    out = p.out();
    err = p.err();
    return s;
}

RunResult Process::capture(const std::vector<std::string>& args, int timeoutMs) {
    RunResult r;
    r.status = run(args, r.out, r.err, timeoutMs);
    return r;
}

}  // namespace rtmtap::test
