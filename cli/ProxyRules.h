#pragma once
// The rules of `rtmtap proxy --rules FILE`: read at start, re-read on SIGHUP (the main thread
// calls reload(), never a signal handler), reported at exit and kept in the database's
// rule_counts (store/RuleCounts) one span at a time: from a load to the next reload or the exit.
#include "proxy/FilterChain.h"
#include "rules/RuleBook.h"

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

namespace rtmtap::cli {

class ProxyRules {
public:
    // Reads file; throws RuleError ("FILE:LINE: field: what"). warnings: where the engine says
    // missing paths (stderr), must outlive this.
    ProxyRules(std::string file, std::ostream& warnings);

    // For ProxyConfig::filters.
    FilterChainFactory filters() const { return RuleBook::chainFactory(book_); }
    size_t size() const;

    // Re-reads the file: "rules reloaded: N rules" on err and the outgoing rules' counts into
    // the database at dbPath; a file that does not read keeps the rules in force and says so,
    // in one line. True when the new rules are in force.
    bool reload(const std::string& dbPath, std::ostream& err);
    // At exit: each rule's counts on err (the rules that matched nothing said), and into the
    // database.
    void finish(const std::string& dbPath, std::ostream& err);

private:
    void persist(const RuleEngine& engine, const std::string& dbPath, std::ostream& err) const;

    std::string file_;
    std::ostream& warnings_;
    std::shared_ptr<RuleBook> book_;
    int64_t since_us_ = 0;  // when the rules in force were read, wall clock
};

}  // namespace rtmtap::cli
