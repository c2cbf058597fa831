#include "CaFolder.h"

#include "CertAuthority.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace rtmtap {
namespace {

constexpr off_t kMaxFile = 1 << 20;  // a PEM certificate or key is a few KiB

std::string octal(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

std::string errnoText() {
    return std::strerror(errno);
}

// Closes a descriptor on every way out.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }
    int release() {
        int fd = fd_;
        fd_ = -1;
        return fd;
    }

private:
    int fd_;
};

void checkOwner(const struct stat& st, const std::string& what, const std::string& path) {
    if (st.st_uid != getuid()) {
        throw CaError(what + " " + path + " belongs to uid " + std::to_string(st.st_uid) + ", not to you (uid " +
                      std::to_string(getuid()) + "): run chown " + std::to_string(getuid()) + " " + path +
                      " or pass a folder of your own with --ca-dir");
    }
}

}  // namespace

CaFolder::CaFolder(std::string dir) : dir_(std::move(dir)) {
    while (dir_.size() > 1 && dir_.back() == '/') {
        dir_.pop_back();
    }
}

bool CaFolder::checkSafe() const {
    struct stat st {};
    if (::stat(dir_.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return false;
        }
        throw CaError("cannot read the CA folder " + dir_ + ": " + errnoText() + " (check its permissions or pass --ca-dir)");
    }
    if (!S_ISDIR(st.st_mode)) {
        throw CaError("the CA folder " + dir_ + " is not a folder (pass another one with --ca-dir)");
    }
    checkOwner(st, "the CA folder", dir_);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        throw CaError("the CA folder " + dir_ + " can be written by others (mode " + octal(st.st_mode) +
                      "): run chmod 700 " + dir_);
    }
    return true;
}

void CaFolder::make() const {
    const std::filesystem::path parent = std::filesystem::path(dir_).parent_path();
    std::error_code ec;
    if (!parent.empty()) {
        std::filesystem::create_directories(parent, ec);
    }
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) {
        throw CaError("cannot make the CA folder " + dir_ + ": " + errnoText() + " (pass another one with --ca-dir)");
    }
}

bool CaFolder::exists(const std::string& name) const {
    struct stat st {};
    return ::lstat(path(name).c_str(), &st) == 0;
}

std::string CaFolder::read(const std::string& name, bool secret) const {
    const std::string file = path(name);
    const std::string what = secret ? "the CA key" : "the CA certificate";
    Fd fd(::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
        const bool link = errno == ELOOP;
        throw CaError("cannot read " + what + " " + file + ": " + (link ? "it is a symbolic link" : errnoText()) +
                      (secret ? " (run chmod 600 " + file + ")" : ""));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > kMaxFile) {
        throw CaError(what + " " + file + " is not a PEM file: move the folder away and run rtmtap ca init");
    }
    if (secret) {
        checkOwner(st, what, file);
        if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
            throw CaError(what + " " + file + " can be read by others (mode " + octal(st.st_mode) +
                          "): run chmod 600 " + file);
        }
    }
    std::string bytes(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(fd.get(), &bytes[got], bytes.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw CaError("cannot read " + what + " " + file + ": " + (n < 0 ? errnoText() : "it shrank while read"));
        }
        got += static_cast<size_t>(n);
    }
    return bytes;
}

void CaFolder::writeNew(const std::string& name, const std::string& bytes, mode_t mode) const {
    const std::string file = path(name);
    Fd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (fd.get() < 0) {
        if (errno == EEXIST) {
            throw CaError("a CA exists already in " + dir_ + " (rtmtap ca show)");
        }
        throw CaError("cannot write " + file + ": " + errnoText() + " (check the folder's permissions or pass --ca-dir)");
    }
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const std::string why = errnoText();
            ::unlink(file.c_str());
            throw CaError("cannot write " + file + ": " + why);
        }
        done += static_cast<size_t>(n);
    }
    const bool synced = ::fsync(fd.get()) == 0;
    const bool closed = ::close(fd.release()) == 0;
    if (!synced || !closed) {
        const std::string why = errnoText();
        ::unlink(file.c_str());
        throw CaError("cannot write " + file + ": " + why);
    }
}

void CaFolder::remove(const std::string& name) const {
    ::unlink(path(name).c_str());
}

}  // namespace rtmtap
