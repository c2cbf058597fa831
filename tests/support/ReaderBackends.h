#pragma once
// The backends a Reader contract test runs against (tests/store/ReaderContractTest): each takes
// a SQLite file the test recorded and gives the --db string that reads it back through
// openReader. SQLite reads the file itself; a server backend ships the file into a throwaway
// server first and answers its URL. Add a backend here and every contract test runs on it.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace rtmtap::test {

struct ReaderBackend {
    std::string name;  // a gtest parameter name: letters and digits
    std::function<std::string(const std::string& sqlitePath)> publish;
    std::string source;  // what SessionRow.source reads: "" for a local file, the shipper's proxy name
};

std::vector<ReaderBackend> readerBackends();

// gtest prints a parameter by its name.
inline void PrintTo(const ReaderBackend& backend, std::ostream* os) {
    *os << backend.name;
}

}  // namespace rtmtap::test
