#pragma once
// What is wrong with a file being imported, located: "line 7: ..." or "log.entries[3]: ...".
// The import command adds the file name and "nothing imported".
#include <stdexcept>
#include <string>

namespace rtmtap::cli {

class ImportError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace rtmtap::cli
