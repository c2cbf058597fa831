#include "ReaderBackends.h"

namespace rtmtap::test {

std::vector<ReaderBackend> readerBackends() {
    return {
        {"Sqlite", [](const std::string& path) { return path; }},
    };
}

}  // namespace rtmtap::test
