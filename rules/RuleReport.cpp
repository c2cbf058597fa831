#include "RuleReport.h"

#include <string>

namespace rtmtap {
namespace {

std::string plural(uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void RuleReport::print(const RuleEngine& engine, std::ostream& out) {
    const std::vector<Rule>& rules = engine.rules().rules;
    out << "rtmtap: rules " << engine.rules().file << ": frames each rule acted on" << std::endl;
    for (size_t i = 0; i < rules.size(); ++i) {
        const RuleCount c = engine.count(i);
        out << "  " << rules[i].label() << ": ";
        if (c.matched == 0) {
            out << "matched nothing";
        } else {
            out << c.touched << " touched, " << c.matched << " matched";
        }
        if (c.missing) {
            out << ", " << plural(c.missing, "path", "paths") << " missing";
        }
        out << std::endl;
    }
}

}  // namespace rtmtap
