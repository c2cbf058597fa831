#include "ClientPlan.h"

#include "ReplayPlan.h"
#include "protocol/Classifier.h"

#include <algorithm>

namespace rtmtap {
namespace {

bool isPayload(const Message& m) {
    return m.op == Opcode::Text || m.op == Opcode::Binary;
}

// A client frame the recorded server never received whole.
bool neverReached(const Message& m) {
    return (m.flags & (MessageFlag::Dropped | MessageFlag::Oversize)) != 0;
}

}  // namespace

std::string eventName(const Message& frame) {
    Classification c = classify(frame.payload);
    return c.kind == Kind::Event ? c.name : "";
}

bool countsReached(const EventCounts& have, const EventCounts& need, std::string* missing) {
    bool reached = true;
    for (const auto& [name, count] : need) {
        auto it = have.find(name);
        const int64_t got = it == have.end() ? 0 : it->second;
        if (got >= count) {
            continue;
        }
        if (missing) {
            *missing += (reached ? "" : ", ") + (name.empty() ? std::string("(no event name)") : name) + " (" +
                        std::to_string(got) + " of " + std::to_string(count) + ")";
        }
        reached = false;
    }
    return reached;
}

ClientPlan buildClientPlan(const std::vector<Message>& frames) {
    ClientPlan plan;
    plan.startUs = recordedStartUs(frames);
    EventCounts sinceAuth;
    for (const Message& m : frames) {
        const int64_t offset = std::max<int64_t>(0, m.t_us - plan.startUs);
        plan.endUs = std::max(plan.endUs, offset);
        if (m.dir == Direction::ClientToServer && m.op == Opcode::Close && (m.flags & MessageFlag::Injected)) {
            plan.close = &m;
        }
        if (!isPayload(m)) {
            continue;
        }
        if (m.dir == Direction::ServerToClient) {
            const std::string name = eventName(m);
            ++plan.events[name];
            if (m.t_us >= plan.startUs) {
                ++sinceAuth[name];
            }
            continue;
        }
        Classification c = classify(m.payload);
        const std::string name = c.kind == Kind::Command ? c.name : "";
        if (name == "ws_auth" || neverReached(m)) {
            ++plan.skipped;
            continue;
        }
        plan.sends.push_back({&m, offset, name, sinceAuth});
    }
    return plan;
}

}  // namespace rtmtap
