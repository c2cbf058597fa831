#include "SimSessions.h"

namespace rtmtap {

void SimSessions::revoke(const std::string& token, int64_t expiry, int64_t now) {
    std::lock_guard lock(mutex_);
    put(revoked_, token, {0, expiry}, now);
}

bool SimSessions::revoked(const std::string& token) const {
    std::lock_guard lock(mutex_);
    return revoked_.count(token) > 0;
}

void SimSessions::grantRefresh(const std::string& fingerPrint, int64_t userId, int64_t expiry, int64_t now) {
    std::lock_guard lock(mutex_);
    put(refresh_, fingerPrint, {userId, expiry}, now);
}

bool SimSessions::takeRefresh(const std::string& fingerPrint, int64_t userId, int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = refresh_.find(fingerPrint);
    if (it == refresh_.end() || it->second.userId != userId || it->second.expiry <= now) {
        return false;
    }
    refresh_.erase(it);  // single use, as the real refresh token
    return true;
}

void SimSessions::issueFingerPrint(const std::string& fingerPrint, int64_t userId, int64_t expiry, int64_t now) {
    std::lock_guard lock(mutex_);
    put(fingerPrints_, fingerPrint, {userId, expiry}, now);
}

std::optional<int64_t> SimSessions::fingerPrintOwner(const std::string& fingerPrint, int64_t now) const {
    std::lock_guard lock(mutex_);
    auto it = fingerPrints_.find(fingerPrint);
    if (it == fingerPrints_.end() || it->second.expiry <= now) {
        return std::nullopt;
    }
    return it->second.userId;
}

// The caller holds mutex_. Expired entries go first; a table still full loses its first key.
void SimSessions::put(std::map<std::string, Entry>& table, const std::string& key, Entry entry, int64_t now) {
    if (table.size() >= kMaxEntries) {
        for (auto it = table.begin(); it != table.end();) {
            it = it->second.expiry <= now ? table.erase(it) : std::next(it);
        }
        if (table.size() >= kMaxEntries) {
            table.erase(table.begin());
        }
    }
    table[key] = entry;
}

}  // namespace rtmtap
