#pragma once
// A fresh directory under $TMPDIR for one test, removed with everything in it at the end.
#include <string>

namespace rtmtap::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

}  // namespace rtmtap::test
