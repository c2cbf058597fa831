#pragma once
// What the simulator's API remembers about the tokens it issued, as the real API keeps it in its
// cache: logged-out login tokens (refused from then on, like the real jti that user.logout
// deletes), the single-use refresh grants of remember_me logins (user.login.refresh), and the
// finger prints rtm.connect handed out (system.ping names one). Entries leave when their token
// expires; each table is capped, so a client cannot grow memory without bound.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace rtmtap {

class SimSessions {
public:
    static constexpr size_t kMaxEntries = 100000;

    void revoke(const std::string& token, int64_t expiry, int64_t now);
    bool revoked(const std::string& token) const;

    // A remember_me login token's finger print may be exchanged once for a new token.
    void grantRefresh(const std::string& fingerPrint, int64_t userId, int64_t expiry, int64_t now);
    bool takeRefresh(const std::string& fingerPrint, int64_t userId, int64_t now);

    // rtm.connect gave this finger print to this user.
    void issueFingerPrint(const std::string& fingerPrint, int64_t userId, int64_t expiry, int64_t now);
    std::optional<int64_t> fingerPrintOwner(const std::string& fingerPrint, int64_t now) const;

private:
    struct Entry {
        int64_t userId = 0;
        int64_t expiry = 0;
    };
    static void put(std::map<std::string, Entry>& table, const std::string& key, Entry entry, int64_t now);

    mutable std::mutex mutex_;
    std::map<std::string, Entry> revoked_;
    std::map<std::string, Entry> refresh_;
    std::map<std::string, Entry> fingerPrints_;
};

}  // namespace rtmtap
