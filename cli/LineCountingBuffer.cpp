#include "LineCountingBuffer.h"

namespace rtmtap::cli {

std::streambuf::int_type LineCountingBuffer::underflow() {
    line_.clear();
    for (int_type c = source_.sbumpc(); c != traits_type::eof(); c = source_.sbumpc()) {
        line_.push_back(traits_type::to_char_type(c));
        if (c == '\n') {
            break;
        }
    }
    if (line_.empty()) {
        return traits_type::eof();
    }
    ++lines_;
    setg(line_.data(), line_.data(), line_.data() + line_.size());
    return traits_type::to_int_type(line_[0]);
}

}  // namespace rtmtap::cli
