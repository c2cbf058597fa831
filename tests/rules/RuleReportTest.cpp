// RuleReport: each rule's counts as `proxy --rules` and `replay --patch` print them at the end.
#include "rules/RuleReport.h"

#include <gtest/gtest.h>

#include <sstream>

namespace rtmtap {
namespace {

TEST(RuleReport, SaysTouchedAndMatchedMissingPathsAndTheRulesThatMatchedNothing) {
    std::istringstream in("{\"match\": {\"event\": \"a\", \"nth\": 2}, \"drop\": true}\n"
                          "# a comment\n"
                          "{\"match\": {\"event\": \"b\"}, \"delete\": [\"payload.x\"]}\n"
                          "{\"match\": {\"event\": \"never\"}, \"drop\": true}\n");
    std::ostringstream warnings;
    RuleEngine engine(RuleSet::parse(in, "r.jsonl"), warnings);
    RuleEngine::Session session = engine.session();
    SessionInfo info;
    for (const char* payload : {R"({"event":"a"})", R"({"event":"a"})", R"({"event":"a"})", R"({"event":"b","payload":{}})"}) {
        Message m;
        m.dir = Direction::ServerToClient;
        m.payload = payload;
        session.apply(FilterContext{info, m.dir, 0}, m);
    }
    std::ostringstream out;
    RuleReport::print(engine, out);
    EXPECT_EQ(out.str(),
              "rtmtap: rules r.jsonl: frames each rule acted on\n"
              "  line 1 {\"match\": {\"event\": \"a\", \"nth\": 2}, \"drop\": true}: 1 touched, 3 matched\n"
              "  line 3 {\"match\": {\"event\": \"b\"}, \"delete\": [\"payload.x\"]}: 0 touched, 1 matched, 1 path missing\n"
              "  line 4 {\"match\": {\"event\": \"never\"}, \"drop\": true}: matched nothing\n");
}

}  // namespace
}  // namespace rtmtap
