#pragma once
// What the rules fuzz targets check about one RuleEngine answer: which rule acted (its touched
// count went up) and, for set and delete, that the edit is sound.
#include "protocol/JsonPath.h"
#include "rules/RuleEngine.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <algorithm>
#include <string>
#include <vector>

namespace rtmtap::fuzz {

inline std::vector<uint64_t> touchedCounts(const RuleEngine& engine) {
    std::vector<uint64_t> counts;
    for (size_t i = 0; i < engine.rules().rules.size(); ++i) {
        counts.push_back(engine.count(i).touched);
    }
    return counts;
}

// The rule that acted on the last frame, given the counts before it; nullptr when none did.
inline const Rule* actedRule(const RuleEngine& engine, const std::vector<uint64_t>& before) {
    const Rule* acted = nullptr;
    for (size_t i = 0; i < before.size(); ++i) {
        if (engine.count(i).touched != before[i]) {
            FUZZ_CHECK(acted == nullptr && engine.count(i).touched == before[i] + 1);
            acted = &engine.rules().rules[i];
        }
    }
    return acted;
}

// A set or delete: the engine sent applyEdit's result in place of the frame; an edit of valid JSON
// is valid JSON and holds each set value where its path was found; a payload that is not JSON
// has no path, so a rule that acted on it is a bug.
inline void checkEdit(const Rule& rule, const std::string& payload, const FilterResult& result) {
    std::vector<std::string> missing;
    const std::string edited = applyEdit(rule, payload, missing);
    FUZZ_CHECK(result.action == FilterResult::Action::Replace && result.replacements.size() == 1 &&
               result.replacements[0].payload == edited);
    FUZZ_CHECK(validJson(payload, false));
    FUZZ_CHECK(validJson(edited, false));
    if (!validJson(payload)) {
        return;
    }
    FUZZ_CHECK(validJson(edited));
    if (rule.remove.empty()) {
        for (const auto& [path, value] : rule.set) {
            if (std::find(missing.begin(), missing.end(), path.dotted()) == missing.end()) {
                const JsonPathHit hit = locateJsonPath(edited, path);
                FUZZ_CHECK(hit.found);
            }
        }
    }
}

// Any answer: inserts and replacements a relay can send; no answer from no rule.
inline void checkAnswer(const Rule* acted, const std::string& payload, const FilterResult& result) {
    for (const FilterInsert& insert : result.inserts) {
        FUZZ_CHECK(insert.op != Opcode::Continuation && insert.op != Opcode::Close);
        FUZZ_CHECK(!isControl(insert.op) || insert.payload.size() <= 125);
        FUZZ_CHECK(insert.afterMs >= 0);
    }
    for (const Message& m : result.replacements) {
        FUZZ_CHECK(m.op != Opcode::Continuation && m.op != Opcode::Close);
    }
    if (acted == nullptr) {
        FUZZ_CHECK(result.action == FilterResult::Action::Continue && result.inserts.empty());
        return;
    }
    if (acted->action == Rule::Action::Set || acted->action == Rule::Action::Delete) {
        checkEdit(*acted, payload, result);
    }
    if (acted->action == Rule::Action::Duplicate) {
        FUZZ_CHECK(result.action == FilterResult::Action::Continue);
        FUZZ_CHECK(result.inserts.size() == static_cast<size_t>(acted->duplicate - 1));
        for (const FilterInsert& copy : result.inserts) {
            FUZZ_CHECK(copy.payload == payload && !copy.before);
        }
    }
}

}  // namespace rtmtap::fuzz
