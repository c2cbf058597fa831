#include "FindingJson.h"

#include "lint/Finding.h"
#include "store/JsonObject.h"
#include "store/JsonOut.h"

namespace rtmtap::view {

std::string findingJson(const Finding& f, const std::string& source) {
    return JsonObject()
        .string("rule", f.rule)
        .string("severity", toString(f.severity))
        .number("session", f.session)
        .number("seq", f.seq)
        .number("t_us", f.t_us)
        .string("at", isoUtc(f.wall_us))
        .string("sentence", f.sentence)
        .string("section", f.section)
        .string("source", source)
        .str();
}

}  // namespace rtmtap::view
