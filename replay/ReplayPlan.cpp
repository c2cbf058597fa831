#include "ReplayPlan.h"

#include "Attribution.h"
#include "protocol/Classifier.h"

#include <algorithm>

namespace rtmtap {
namespace {

bool isPayload(const Message& m) {
    return m.op == Opcode::Text || m.op == Opcode::Binary;
}

// The index of the recorded ws_auth, which the live client's ws_auth (the start) stands for.
std::optional<size_t> recordedAuth(const std::vector<Message>& frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
        if (frames[i].dir != Direction::ClientToServer) {
            continue;
        }
        std::optional<CommandKey> key = commandKey(frames[i]);
        if (key && key->name == "ws_auth") {
            return i;
        }
    }
    return std::nullopt;
}

// The recorded time that the replay's start stands for: ws_auth, else the first client frame.
int64_t recordedStart(const std::vector<Message>& frames, const std::optional<size_t>& auth) {
    if (auth) {
        return frames[*auth].t_us;
    }
    for (const Message& m : frames) {
        if (m.dir == Direction::ClientToServer) {
            return m.t_us;
        }
    }
    return frames.empty() ? 0 : frames.front().t_us;
}

size_t indexOfSeq(const std::vector<Message>& frames, int64_t seq) {
    for (size_t i = 0; i < frames.size(); ++i) {
        if (frames[i].seq >= seq) {
            return i;
        }
    }
    std::string last = frames.empty() ? "no frames" : "frames 1 to " + std::to_string(frames.back().seq);
    throw ReplayPlanError("--from " + std::to_string(seq) + " is beyond the session (it holds " + last + ")");
}

bool serverDropped(const std::vector<Message>& frames, const std::optional<SessionEnd>& end) {
    if (!end || end->closed_by != "server" || end->duration_us <= 0) {
        return false;
    }
    return std::none_of(frames.begin(), frames.end(), [](const Message& m) {
        return m.dir == Direction::ServerToClient && m.op == Opcode::Close;
    });
}

}  // namespace

int64_t recordedStartUs(const std::vector<Message>& frames) {
    return recordedStart(frames, recordedAuth(frames));
}

size_t ReplayPlan::heldCount() const {
    return static_cast<size_t>(std::count_if(frames.begin(), frames.end(), [](const PlannedFrame& f) { return f.heldFor.has_value(); }));
}

ReplayPlan buildReplayPlan(const std::vector<Message>& frames, const std::optional<SessionEnd>& end,
                           const PlanOptions& options) {
    ReplayPlan plan;
    size_t from = 0;
    const std::optional<size_t> auth = recordedAuth(frames);
    plan.startUs = recordedStart(frames, auth);
    if (options.fromSeq) {
        from = indexOfSeq(frames, *options.fromSeq);
        plan.startUs = std::max(plan.startUs, frames[from].t_us);
    }
    auto offsetOf = [&](size_t i) { return i < from ? 0 : std::max<int64_t>(0, frames[i].t_us - plan.startUs); };
    std::vector<std::optional<size_t>> cause;
    if (options.reactive) {
        cause = attributeAnswers(frames);
    }
    std::vector<std::optional<size_t>> commandAt(frames.size());
    bool clientClosed = false;
    for (size_t i = 0; i < frames.size(); ++i) {
        const Message& m = frames[i];
        // Once the recorded client sent its close, what the server sent was its answer (the close
        // echo) or could not be read any more: the live client's own close ends the replay.
        clientClosed = clientClosed || (m.dir == Direction::ClientToServer && m.op == Opcode::Close);
        if (clientClosed && m.dir == Direction::ServerToClient) {
            continue;
        }
        if (m.dir == Direction::ServerToClient && (m.flags & (MessageFlag::Dropped | MessageFlag::Oversize)) != 0) {
            continue;  // the recorded client never got it (an edited copy sent instead is played)
        }
        if (m.dir == Direction::ClientToServer) {
            if (std::optional<CommandKey> key = commandKey(m)) {
                commandAt[i] = plan.commands.size();
                plan.commands.push_back({&m, *key, offsetOf(i)});
            }
            continue;
        }
        PlannedFrame f;
        f.frame = &m;
        f.offsetUs = offsetOf(i);
        if (isPayload(m)) {
            f.name = classify(m.payload).name;
        }
        // Answers to commands sent before --from went out with everything else before it. An
        // answer to ws_auth is not held either: the live ws_auth is the start, so its offset
        // already is its delay after it. Held as well, it was sent after frames recorded after it
        // (by a few µs of scheduling), and a page that acts on the first event acted otherwise.
        if (options.reactive && cause[i] && *cause[i] >= from && cause[i] != auth) {
            f.heldFor = commandAt[*cause[i]];
            f.delayUs = m.t_us - frames[*cause[i]].t_us;
        }
        plan.frames.push_back(std::move(f));
    }
    if (serverDropped(frames, end)) {
        // t_us and duration_us both count from the recorded session's start.
        plan.dropAtUs = std::max<int64_t>(0, end->duration_us - plan.startUs);
    }
    return plan;
}

}  // namespace rtmtap
