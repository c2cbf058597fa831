#include "ReaderBackends.h"

#include "PgCluster.h"
#include "PgShip.h"

#include <gtest/gtest.h>

#include <map>

namespace rtmtap::test {
namespace {

constexpr const char* kProxyName = "contract";

// Marks the running test skipped (the caller checks IsSkipped()) when there is no server.
bool postgresAvailable() {
    if (std::string reason = PgCluster::unavailableReason(); !reason.empty()) {
        [&] { GTEST_SKIP() << reason; }();
        return false;
    }
    return true;
}

// The file shipped into a database of its own; published again, the new frames are shipped
// into the same database, as a proxy's shipper would.
std::string shipped(const std::string& path) {
    static std::map<std::string, std::string> urls;
    if (!postgresAvailable()) {
        return "";
    }
    auto found = urls.find(path);
    if (found == urls.end()) {
        return urls[path] = shipToNewDatabase(path, kProxyName);
    }
    shipInto(path, found->second, kProxyName);
    return found->second;
}

}  // namespace

std::vector<ReaderBackend> readerBackends() {
    return {
        {"Sqlite", [](const std::string& path) { return path; }, ""},
        {"Postgres", shipped, kProxyName},
    };
}

}  // namespace rtmtap::test
