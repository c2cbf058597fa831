#pragma once
// Makes a file or a folder refuse writes for the length of a test, in a way that holds for root
// too (tests here often run as root, which ignores modes): the immutable attribute (chattr +i,
// FS_IOC_SETFLAGS), which also refuses writes through descriptors opened before. It needs
// CAP_LINUX_IMMUTABLE and a file system that has the attribute (ext4, xfs, btrfs, tmpfs since
// Linux 6.0); without them, as a non-root user, a mode without write permission is used instead
// (which only refuses new opens). available() says whether either works here.
#include <string>

namespace rtmtap::test {

class ReadOnlyPath {
public:
    explicit ReadOnlyPath(std::string path);
    ~ReadOnlyPath();  // restore()
    ReadOnlyPath(const ReadOnlyPath&) = delete;
    ReadOnlyPath& operator=(const ReadOnlyPath&) = delete;

    bool available() const { return how_ != How::None; }
    bool refusesOpenDescriptors() const { return how_ == How::Immutable; }
    const std::string& why() const { return why_; }  // when not available
    void restore();  // writable again; idempotent

private:
    enum class How { None, Immutable, Mode };
    std::string path_;
    How how_ = How::None;
    unsigned oldMode_ = 0;
    std::string why_;
};

}  // namespace rtmtap::test
