// rules/RuleEngine with a fixed rule set (matches by event, where, text and glob; set, delete,
// duplicate, replace, inserts, delay) on any frame. Input: byte 0 = direction (bit 0) and opcode
// (bits 1-2: text, binary, ping, pong), the rest is the payload.
// Checks (tests/fuzz/FuzzRules.h): nothing thrown; an edit of a valid JSON payload is valid JSON
// with the set paths present; a frame that is not JSON is never edited; duplicate copies are the
// frame as it came; the engine sent what applyEdit makes.
#include "rules/RuleEngine.h"
#include "rules/RuleSet.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzRules.h"

#include <memory>
#include <sstream>
#include <string>

using namespace rtmtap;

namespace {

const char* const kRules = R"(# fixed rules: each frame meets the first whose match holds
{"match": {"event": "drop.*"}, "drop": true}
{"match": {"event": "chat.*", "where": "payload.message.channel_id=7"}, "set": {"payload.message.content": "x\"\u00e9", "meta.k": {"n": [1, null]}, "a[0]": 2}}
{"match": {"event": "chat.*"}, "delete": ["payload.message.reactions", "meta", "a[1]"]}
{"match": {"command": "ws_*", "every": 2}, "duplicate": 3}
{"match": {"text": "secret"}, "replace": {"op": "text", "data": {"event": "replaced"}}}
{"match": {"kind": "command", "nth": 3}, "insert_before": [{"op": "ping", "data": "p"}]}
{"match": {"kind": "event", "every": 3}, "insert_after": [{"dir": "s2c", "after_ms": 5, "data": {"event": "e"}}]}
{"match": {"user": 9, "dir": "s2c"}, "delay_ms": 10}
{"match": {"malformed": true, "op": "text"}, "set": {"x": 1}}
)";

std::shared_ptr<RuleEngine> engine() {
    static std::ostringstream warnings;
    static std::shared_ptr<RuleEngine> shared = [] {
        std::istringstream in(kRules);
        return std::make_shared<RuleEngine>(RuleSet::parse(in, "fixed.rules"), warnings);
    }();
    warnings.str("");
    return shared;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::shared_ptr<RuleEngine> rules = engine();
    RuleEngine::Session session = rules->session();
    SessionInfo info;
    info.id = 1;
    const Opcode ops[] = {Opcode::Text, Opcode::Binary, Opcode::Ping, Opcode::Pong};
    Message m;
    m.session = 1;
    m.dir = (data[0] & 1) ? Direction::ServerToClient : Direction::ClientToServer;
    m.op = ops[(data[0] >> 1) & 3];
    m.payload.assign(reinterpret_cast<const char*>(data + 1), size - 1);
    m.size = m.payload.size();
    FilterContext context{info, m.dir, 0};
    for (int round = 0; round < 4; ++round) {  // nth and every count per session
        const std::vector<uint64_t> before = fuzz::touchedCounts(*rules);
        const FilterResult result = session.apply(context, m);
        fuzz::checkAnswer(fuzz::actedRule(*rules, before), m.payload, result);
    }
    return 0;
}
