#pragma once
// The rules at work: an immutable rule set shared by every session, thread-safe counters per
// rule, and per-session state (RuleEngine::Session: the nth/every counts) that maps each
// message of the session to a FilterResult.
//
// Rules are tried in file order; the first whose match holds (nth/every included) acts on the
// frame and later rules do not see it. set and delete edit by byte splices on the payload as it
// came (everything outside the edited values stays byte for byte); a path missing from the frame
// leaves it as it is (when every path of the rule is missing, the frame goes on untouched), is
// counted and is said once per rule on stderr. set on a missing key whose parent object exists
// adds the key at the end of that object; a missing array element or parent is missing.
// duplicate:N sends the frame N times in all: it goes on as it came, N-1 injected copies follow it.
#include "FrameMatcher.h"
#include "RuleSet.h"
#include "proxy/Filter.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <ostream>
#include <vector>

namespace rtmtap {

struct RuleCount {
    uint64_t matched = 0;  // frames its match held for (before nth/every)
    uint64_t touched = 0;  // frames it acted on (set/delete: at least one path was there)
    uint64_t missing = 0;  // set/delete paths that a frame did not have
};

class RuleEngine {
public:
    // warnings: where the once-per-rule notes go (missing paths); must outlive the engine.
    explicit RuleEngine(RuleSet rules, std::ostream& warnings);

    // One session's state; made by session(), used by one thread at a time.
    class Session {
    public:
        FilterResult apply(const FilterContext& context, const Message& message);

    private:
        friend class RuleEngine;
        explicit Session(const RuleEngine& engine) : engine_(engine), matches_(engine.rules_.rules.size(), 0) {}
        const RuleEngine& engine_;
        std::vector<uint64_t> matches_;
    };
    // The session keeps a reference: the engine must outlive it (hold the engine in a shared_ptr).
    Session session() const { return Session(*this); }

    const RuleSet& rules() const { return rules_; }
    RuleCount count(size_t rule) const;

private:
    struct Counters {
        std::atomic<uint64_t> matched{0}, touched{0}, missing{0};
        std::atomic<bool> warned{false};
    };

    FilterResult act(size_t index, const FilterContext& context, const Message& message) const;
    FilterResult edit(size_t index, const FilterContext& context, const Message& message) const;
    void noteMissing(size_t index, const std::string& path, const FilterContext& context) const;

    RuleSet rules_;
    std::vector<FrameMatcher> matchers_;
    std::unique_ptr<Counters[]> counters_;
    std::ostream& warnings_;
};

// The payload with a rule's set or delete applied by byte splices; missing gets each path that
// was not there. Pure, for the engine and for replay --patch later.
std::string applyEdit(const Rule& rule, std::string payload, std::vector<std::string>& missing);

}  // namespace rtmtap
