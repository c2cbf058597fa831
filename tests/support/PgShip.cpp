#include "PgShip.h"

#include "PgCluster.h"
#include "pg/PgConnection.h"
#include "pg/Shipper.h"

#include <stdexcept>
#include <thread>

namespace rtmtap::test {

void shipInto(const std::string& dbPath, const std::string& url, const std::string& proxyName) {
    pg::ShipperOptions options;
    options.dbPath = dbPath;
    options.url = url;
    options.proxyName = proxyName;
    options.init = true;
    options.retryForMs = 30'000;
    pg::Shipper shipper(options, [](const std::string&) {});
    try {
        shipper.shipAll([](int ms) {
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            return false;
        });
    } catch (const pg::ShipError& e) {
        throw std::runtime_error(std::string("shipping ") + dbPath + ": " + e.what());
    }
}

std::string shipToNewDatabase(const std::string& dbPath, const std::string& proxyName) {
    std::string url = PgCluster::shared().createDatabase();
    shipInto(dbPath, url, proxyName);
    return url;
}

std::map<int64_t, ShippedSession> shippedSessions(const std::string& url) {
    pg::PgConnection db(url);
    pg::PgResult r = db.query(
        "SELECT s.id, s.local_id, src.name FROM rtmtap.sessions s JOIN rtmtap.sources src ON src.id = s.source");
    std::map<int64_t, ShippedSession> sessions;
    for (int i = 0; i < r.rows(); ++i) {
        sessions[r.integer(i, 0)] = {r.integer(i, 1), r.text(i, 2)};
    }
    return sessions;
}

int64_t serverSessionId(const std::string& url, const std::string& source, int64_t localId) {
    for (const auto& [id, shipped] : shippedSessions(url)) {
        if (shipped.localId == localId && shipped.source == source) {
            return id;
        }
    }
    throw std::runtime_error("no session " + std::to_string(localId) + " of " + source + " in the server");
}

}  // namespace rtmtap::test
