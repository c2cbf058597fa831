#include "ReadOnlyPath.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rtmtap::test {
namespace {

// Sets or clears FS_IMMUTABLE_FL; errno on failure.
int setImmutable(const std::string& path, bool on) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    int flags = 0;
    int err = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) {
        err = errno;
    } else {
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
        if (::ioctl(fd, FS_IOC_SETFLAGS, &flags) != 0) {
            err = errno;
        }
    }
    ::close(fd);
    return err;
}

}  // namespace

ReadOnlyPath::ReadOnlyPath(std::string path) : path_(std::move(path)) {
    int err = setImmutable(path_, true);
    if (err == 0) {
        how_ = How::Immutable;
        return;
    }
    why_ = std::string("the immutable attribute cannot be set (") + std::strerror(err) + ")";
    struct stat st {};
    if (::geteuid() != 0 && ::stat(path_.c_str(), &st) == 0 && ::chmod(path_.c_str(), st.st_mode & 0555) == 0) {
        oldMode_ = st.st_mode & 07777;
        how_ = How::Mode;
        return;
    }
    why_ += ::geteuid() == 0 ? " and root ignores file modes" : "";
}

ReadOnlyPath::~ReadOnlyPath() {
    restore();
}

void ReadOnlyPath::restore() {
    if (how_ == How::Immutable) {
        setImmutable(path_, false);
    } else if (how_ == How::Mode) {
        ::chmod(path_.c_str(), oldMode_);
    }
    how_ = How::None;
}

}  // namespace rtmtap::test
