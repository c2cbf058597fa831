#include "ProxyRules.h"

#include "view/TimeArg.h"

#include "rules/RuleReport.h"

#include "store/RuleCounts.h"

#include <chrono>

namespace rtmtap::cli {
namespace {

std::shared_ptr<const RuleEngine> loadEngine(const std::string& file, std::ostream& warnings) {
    return std::make_shared<RuleEngine>(RuleSet::load(file), warnings);
}

std::string plural(size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

ProxyRules::ProxyRules(std::string file, std::ostream& warnings)
    : file_(std::move(file)), warnings_(warnings),
      book_(std::make_shared<RuleBook>(loadEngine(file_, warnings))), since_us_(view::nowWallUs()) {}

size_t ProxyRules::size() const {
    return book_->current()->rules().rules.size();
}

bool ProxyRules::reload(const std::string& dbPath, std::ostream& err) {
    std::shared_ptr<const RuleEngine> fresh;
    try {
        fresh = loadEngine(file_, warnings_);
    } catch (const RuleError& e) {
        err << "rtmtap: rules not reloaded, the " << plural(size(), "rule", "rules") << " in force stay: " << e.what()
            << std::endl;
        return false;
    }
    const size_t count = fresh->rules().rules.size();
    std::shared_ptr<const RuleEngine> old = book_->replace(std::move(fresh));
    persist(*old, dbPath, err);
    since_us_ = view::nowWallUs();
    err << "rtmtap: rules reloaded: " << plural(count, "rule", "rules") << std::endl;
    return true;
}

void ProxyRules::finish(const std::string& dbPath, std::ostream& err) {
    std::shared_ptr<const RuleEngine> engine = book_->current();
    RuleReport::print(*engine, err);
    persist(*engine, dbPath, err);
}

void ProxyRules::persist(const RuleEngine& engine, const std::string& dbPath, std::ostream& err) const {
    std::vector<RuleCountRow> rows;
    const int64_t now = view::nowWallUs();
    const std::vector<Rule>& rules = engine.rules().rules;
    for (size_t i = 0; i < rules.size(); ++i) {
        const RuleCount c = engine.count(i);
        rows.push_back(RuleCountRow{since_us_, now, file_, static_cast<int64_t>(rules[i].line), rules[i].text,
                                    static_cast<int64_t>(c.matched), static_cast<int64_t>(c.touched),
                                    static_cast<int64_t>(c.missing)});
    }
    try {
        RuleCounts::write(dbPath, rows);
    } catch (const std::exception& e) {
        err << "rtmtap: the rules' counts were not written to the database: " << e.what() << std::endl;
    }
}

}  // namespace rtmtap::cli
