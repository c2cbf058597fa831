#include "RuleEngine.h"

#include "protocol/JsonPath.h"
#include "protocol/JsonStrings.h"

namespace rtmtap {
namespace {

// One set: the value replaced in place, or the key added to its parent object.
bool setPath(std::string& payload, const JsonPath& path, const std::string& value) {
    const JsonPathHit hit = locateJsonPath(payload, path);
    if (hit.found) {
        payload = spliceJson(payload, {{hit.valueOffset, hit.valueLength, value}});
        return true;
    }
    if (hit.canAdd) {
        std::string member = hit.addNeedsComma ? "," : "";
        member += "\"" + path.steps().back().key + "\":" + value;  // keys hold no '"' or '\' (JsonPath)
        payload = spliceJson(payload, {{hit.addOffset, 0, std::move(member)}});
        return true;
    }
    return false;
}

bool deletePath(std::string& payload, const JsonPath& path) {
    const JsonPathHit hit = locateJsonPath(payload, path);
    if (!hit.found || path.empty()) {
        return false;
    }
    payload = spliceJson(payload, {{hit.removeOffset, hit.removeLength, ""}});
    return true;
}

Message withPayload(const Message& m, std::string payload) {
    Message out;
    out.op = m.op;
    out.payload = std::move(payload);
    return out;
}

FilterInsert insertOf(const RuleFrame& frame, Direction matched, bool before) {
    FilterInsert insert;
    insert.dir = frame.dir.value_or(matched);
    insert.op = frame.op;
    insert.payload = frame.payload;
    insert.before = before;
    insert.afterMs = frame.afterMs;
    return insert;
}

}  // namespace

std::string applyEdit(const Rule& rule, std::string payload, std::vector<std::string>& missing) {
    // Paths one after the other, each on the text the one before left: two paths of one rule
    // may lie inside each other.
    for (const auto& [path, value] : rule.set) {
        if (!setPath(payload, path, value)) {
            missing.push_back(path.dotted());
        }
    }
    for (const JsonPath& path : rule.remove) {
        if (!deletePath(payload, path)) {
            missing.push_back(path.dotted());
        }
    }
    return payload;
}

RuleEngine::RuleEngine(RuleSet rules, std::ostream& warnings)
    : rules_(std::move(rules)), counters_(new Counters[rules_.rules.size()]), warnings_(warnings) {
    for (const Rule& rule : rules_.rules) {
        matchers_.emplace_back(rule.match);
    }
}

RuleCount RuleEngine::count(size_t rule) const {
    const Counters& c = counters_[rule];
    return {c.matched.load(), c.touched.load(), c.missing.load()};
}

FilterResult RuleEngine::Session::apply(const FilterContext& context, const Message& message) {
    const MatchSubject subject(message, context.session.id);
    for (size_t i = 0; i < engine_.matchers_.size(); ++i) {
        if (!engine_.matchers_[i].matches(subject)) {
            continue;
        }
        engine_.counters_[i].matched.fetch_add(1, std::memory_order_relaxed);
        const Rule& rule = engine_.rules_.rules[i];
        const uint64_t n = ++matches_[i];
        if ((rule.nth && n != static_cast<uint64_t>(rule.nth)) ||
            (rule.every && n % static_cast<uint64_t>(rule.every) != 0)) {
            continue;
        }
        return engine_.act(i, context, message);
    }
    return FilterResult{};
}

FilterResult RuleEngine::act(size_t index, const FilterContext& context, const Message& message) const {
    const Rule& rule = rules_.rules[index];
    if (rule.action == Rule::Action::Set || rule.action == Rule::Action::Delete) {
        return edit(index, context, message);
    }
    counters_[index].touched.fetch_add(1, std::memory_order_relaxed);
    switch (rule.action) {
    case Rule::Action::Drop:
        return FilterResult::drop();
    case Rule::Action::Delay:
        return FilterResult::hold(rule.delayMs);
    case Rule::Action::Duplicate: {
        // The frame goes on byte for byte; the copies follow it as injected frames.
        FilterResult result;
        for (int i = 1; i < rule.duplicate; ++i) {
            FilterInsert copy;
            copy.dir = context.dir;
            copy.op = message.op;
            copy.payload = message.payload;
            result.inserts.push_back(std::move(copy));
        }
        return result;
    }
    case Rule::Action::Replace: {
        Message replacement;
        replacement.op = rule.frames.front().op;
        replacement.payload = rule.frames.front().payload;
        return FilterResult::replace({std::move(replacement)});
    }
    case Rule::Action::InsertBefore:
    case Rule::Action::InsertAfter: {
        FilterResult result;
        for (const RuleFrame& frame : rule.frames) {
            result.inserts.push_back(insertOf(frame, context.dir, rule.action == Rule::Action::InsertBefore));
        }
        return result;
    }
    case Rule::Action::Close:
        return FilterResult::closeAs(rule.close.by, rule.close.code, rule.close.reason);
    default:
        return FilterResult{};
    }
}

FilterResult RuleEngine::edit(size_t index, const FilterContext& context, const Message& message) const {
    const Rule& rule = rules_.rules[index];
    std::vector<std::string> missing;
    std::string payload = applyEdit(rule, message.payload, missing);
    const size_t paths = rule.set.size() + rule.remove.size();
    if (!missing.empty()) {
        counters_[index].missing.fetch_add(missing.size(), std::memory_order_relaxed);
        noteMissing(index, missing.front(), context);
    }
    if (missing.size() == paths) {
        return FilterResult{};  // nothing was there: the frame goes on as it came
    }
    counters_[index].touched.fetch_add(1, std::memory_order_relaxed);
    return FilterResult::replace({withPayload(message, std::move(payload))});
}

void RuleEngine::noteMissing(size_t index, const std::string& path, const FilterContext& context) const {
    if (counters_[index].warned.exchange(true)) {
        return;
    }
    const Rule& rule = rules_.rules[index];
    // One write: sessions on other loop threads may warn at the same time.
    warnings_ << ("rtmtap: rules " + rules_.file + ":" + std::to_string(rule.line) + " (" + toString(rule.action) +
                  "): path " + path + " is not in a frame of session " + std::to_string(context.session.id) + " (" +
                  toString(context.dir) + "); such frames go on unchanged, counted (said once a rule)\n")
              << std::flush;
}

}  // namespace rtmtap
