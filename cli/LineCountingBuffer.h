#pragma once
// A stream buffer that hands its source over one line at a time and counts the lines: a reader
// that takes lines with std::getline (store/JsonlFormat) is then always on line lines(), so a
// sink it calls knows which line of the file it is given (lint's SARIF locations).
#include <cstdint>
#include <streambuf>
#include <string>

namespace rtmtap::cli {

class LineCountingBuffer : public std::streambuf {
public:
    explicit LineCountingBuffer(std::streambuf& source) : source_(source) {}
    // The line the reader is on: the last one handed over, 1-based (0 before the first).
    int64_t lines() const { return lines_; }

protected:
    int_type underflow() override;

private:
    std::streambuf& source_;
    std::string line_;
    int64_t lines_ = 0;
};

}  // namespace rtmtap::cli
