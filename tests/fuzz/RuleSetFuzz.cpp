// rules/RuleSet::parse (a rules file, `rtmtap proxy --rules`) on any file: anything wrong is a
// RuleError of one line "FILE:LINE: ..."; a file that parses makes a RuleEngine (its globs and
// paths were checked by the parse) whose rules run on a few fixed frames without throwing.
// Checks: one-line errors naming the file; every set value is valid JSON; what the engine answers
// is well formed and its edits sound (tests/fuzz/FuzzRules.h).
#include "rules/RuleEngine.h"
#include "rules/RuleSet.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzRules.h"

#include <sstream>
#include <string>

using namespace rtmtap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    RuleSet rules;
    try {
        rules = RuleSet::parse(in, "fuzz.rules");
    } catch (const RuleError& e) {
        const std::string what = e.what();
        FUZZ_CHECK(what.rfind("fuzz.rules", 0) == 0);
        FUZZ_CHECK(what.find('\n') == std::string::npos);
        return 0;
    }
    for (const Rule& rule : rules.rules) {
        for (const auto& [path, value] : rule.set) {
            FUZZ_CHECK(fuzz::validJson(value));
        }
        for (const RuleFrame& frame : rule.frames) {
            FUZZ_CHECK(!isControl(frame.op) || frame.payload.size() <= 125);
        }
    }
    std::ostringstream warnings;
    auto engine = std::make_shared<RuleEngine>(std::move(rules), warnings);
    RuleEngine::Session session = engine->session();
    SessionInfo info;
    info.id = 1;
    const char* const frames[] = {R"({"event":"chat.postMessage","payload":{"message":{"id":5,"channel_id":7,"content":"hi"}}})",
                                  R"({"command":"ws_auth","auth_token":"a.b.c"})", "not json", ""};
    for (int round = 0; round < 3; ++round) {
        for (const char* payload : frames) {
            for (Direction dir : {Direction::ClientToServer, Direction::ServerToClient}) {
                Message m;
                m.session = 1;
                m.dir = dir;
                m.payload = payload;
                m.size = m.payload.size();
                FilterContext context{info, dir, 0};
                const std::vector<uint64_t> before = fuzz::touchedCounts(*engine);
                const FilterResult result = session.apply(context, m);
                fuzz::checkAnswer(fuzz::actedRule(*engine, before), m.payload, result);
            }
        }
    }
    return 0;
}
