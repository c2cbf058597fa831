#pragma once
// What is wrong with a file being read (store/JsonlFormat.h, store/HarFormat.h), located:
// "line 7: ..." or "log.entries[3]: ...". The import command adds the file name and "nothing
// imported"; replay's loader adds the file name.
#include <stdexcept>
#include <string>

namespace rtmtap {

class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace rtmtap
