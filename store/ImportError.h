#pragma once
// What is wrong with a file being read (store/JsonlFormat.h, store/HarFormat.h), located:
// "line 7: ..." or "log.entries[3]: ...". The import command adds the file name and "nothing
// imported"; replay's loader adds the file name.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace rtmtap {

class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    // "line N: what"; line() says N (rtmtap edit writes it, moved, into the file it reopens).
    ImportError(uint64_t line, const std::string& what)
        : std::runtime_error("line " + std::to_string(line) + ": " + what), line_(line), what_(what) {}

    uint64_t line() const { return line_; }  // 0 when the error has no line
    const std::string& withoutLine() const { return what_; }

private:
    uint64_t line_ = 0;
    std::string what_;
};

}  // namespace rtmtap
