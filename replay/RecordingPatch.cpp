#include "RecordingPatch.h"

#include "proxy/FrameCodec.h"

#include <algorithm>
#include <climits>
#include <map>

namespace rtmtap {
namespace {

const char* sideName(Direction by) {
    return by == Direction::ServerToClient ? "server" : "client";
}

// One pass over a recording; run() once.
class Patcher {
public:
    Patcher(const Recording& recording, const RuleEngine& engine, PatchCounts& counts)
        : rec_(recording), session_(engine.session()), counts_(counts) {}

    Recording run() {
        for (size_t i = 0; i < rec_.frames.size(); ++i) {
            if (!patchFrame(rec_.frames[i])) {
                counts_.cut += rec_.frames.size() - i - 1;  // recorded after the close
                break;
            }
        }
        return finish();
    }

private:
    static size_t side(Direction dir) { return dir == Direction::ServerToClient ? 1 : 0; }

    // The frame m as sent at t (its wall and forward times move with it).
    static Message movedTo(Message m, int64_t t) {
        const int64_t delta = t - m.t_us;
        m.t_us = t;
        m.wall_us += delta;
        m.fwd_us = m.fwd_us >= 0 ? m.fwd_us + delta : m.fwd_us;
        return m;
    }

    // A frame in TCP order: not before the one sent before it in its direction.
    void emitInOrder(Message m, int64_t t) {
        int64_t& last = lastUs_[side(m.dir)];
        last = std::max(last, t);
        out_.push_back(movedTo(std::move(m), last));
    }

    Message made(const Message& at, Direction dir, Opcode op, std::string payload, uint32_t flags) const {
        Message m;
        m.session = at.session;
        m.seq = 0;  // not a recorded frame: no edit_of points at it
        m.dir = dir;
        m.op = op;
        m.flags = flags;
        m.t_us = at.t_us;
        m.wall_us = at.wall_us;
        m.fwd_us = at.t_us;
        m.size = payload.size();
        m.payload = std::move(payload);
        return m;
    }

    void emitInsert(const Message& at, const FilterInsert& insert, bool now) {
        ++counts_.injected;
        Message m = made(at, insert.dir, insert.op, insert.payload, MessageFlag::Injected);
        if (now || insert.afterMs <= 0) {
            emitInOrder(std::move(m), at.t_us);
            return;
        }
        // Due later; the frames behind it in its direction do not wait for it.
        const int64_t due = std::max(at.t_us + int64_t(insert.afterMs) * 1000, lastUs_[side(insert.dir)]);
        out_.push_back(movedTo(std::move(m), due));
    }

    void emitInserts(const Message& at, const std::vector<FilterInsert>& inserts, bool before, bool now = false) {
        for (const FilterInsert& insert : inserts) {
            if (insert.before == before) {
                emitInsert(at, insert, now);
            }
        }
    }

    void emitReplacements(const Message& m, const std::vector<Message>& replacements) {
        for (const Message& r : replacements) {
            ++counts_.edited;
            emitInOrder(made(m, m.dir, r.op, r.payload, MessageFlag::Edited | (m.flags & MessageFlag::Injected)), m.t_us);
        }
    }

    // False once a rule closed the session.
    bool patchFrame(const Message& m) {
        if (m.flags & MessageFlag::Dropped) {
            out_.push_back(m);  // never forwarded in the recorded session: nothing for a rule to act on
            return true;
        }
        const FilterContext context{rec_.info, m.dir, m.t_us};
        const FilterResult result = session_.apply(context, m);
        emitInserts(m, result.inserts, true);
        switch (result.action) {
        case FilterResult::Action::Continue:
            emitInOrder(m, m.t_us);
            break;
        case FilterResult::Action::Drop:
            ++counts_.dropped;
            break;
        case FilterResult::Action::Hold:
            ++counts_.delayed;
            emitInOrder(m, m.t_us + int64_t(std::max(0, result.holdMs)) * 1000);
            break;
        case FilterResult::Action::Replace:
            emitReplacements(m, result.replacements);
            break;
        case FilterResult::Action::Close:
            emitInserts(m, result.inserts, false, true);  // the session ends now: they go before the close
            close(m, result.close);
            return false;
        }
        emitInserts(m, result.inserts, false);
        return true;
    }

    // The session ends at m: what was due later never went; the end says who ended it and how.
    void close(const Message& m, const FilterClose& close) {
        const int64_t at = m.t_us;
        const size_t before = out_.size();
        out_.erase(std::remove_if(out_.begin(), out_.end(), [&](const Message& f) { return f.t_us > at; }), out_.end());
        counts_.cut += before - out_.size();  // due after the close: held, or inserted for later
        counts_.closed = close;
        if (close.code != 1006) {
            ++counts_.injected;
            out_.push_back(made(m, close.by, Opcode::Close, closePayload(close.code, close.reason), MessageFlag::Injected));
        }
        SessionEnd end = rec_.end.value_or(SessionEnd{});
        end.id = rec_.info.id;
        end.closed_by = sideName(close.by);
        end.close_code = close.code;
        end.close_reason = close.code == 1006 ? "" : close.reason;
        end.error = close.code == 1006 ? std::string(sideName(close.by)) + " connection dropped by a rule" : "";
        end.duration_us = std::max<int64_t>(at, 1);  // ReplayPlan takes a drop at 0 for no drop at all
        end.ended_wall_us = rec_.info.started_wall_us + end.duration_us;
        end_ = end;
    }

    Recording finish() {
        Recording patched = rec_;
        patched.frames.clear();
        std::stable_sort(out_.begin(), out_.end(), [](const Message& a, const Message& b) { return a.t_us < b.t_us; });
        std::map<int64_t, int64_t> renumbered;  // recorded seq -> patched seq
        for (size_t i = 0; i < out_.size(); ++i) {
            if (out_[i].seq > 0) {
                renumbered[out_[i].seq] = static_cast<int64_t>(i) + 1;
            }
            out_[i].seq = static_cast<int64_t>(i) + 1;
        }
        for (Message& m : out_) {
            auto it = renumbered.find(m.edit_of);
            m.edit_of = it == renumbered.end() ? 0 : it->second;
        }
        patched.frames = std::move(out_);
        patched.end = end_ ? end_ : stretchedEnd(patched.frames);
        return patched;
    }

    // A delayed frame still goes out before the recorded end (a server's drop included).
    std::optional<SessionEnd> stretchedEnd(const std::vector<Message>& frames) const {
        std::optional<SessionEnd> end = rec_.end;
        if (end && !frames.empty() && end->duration_us > 0 && frames.back().t_us > end->duration_us) {
            end->ended_wall_us += frames.back().t_us - end->duration_us;
            end->duration_us = frames.back().t_us;
        }
        return end;
    }

    const Recording& rec_;
    RuleEngine::Session session_;
    PatchCounts& counts_;
    std::vector<Message> out_;
    int64_t lastUs_[2] = {INT64_MIN, INT64_MIN};  // per direction: when its last frame went
    std::optional<SessionEnd> end_;
};

std::string plural(size_t n, const char* what) {
    return std::to_string(n) + " " + what;
}

}  // namespace

std::string PatchCounts::describe() const {
    std::string out = plural(dropped, "dropped") + ", " + plural(edited, "edited") + ", " + plural(injected, "injected") +
                      ", " + plural(delayed, "delayed");
    if (closed) {
        out += std::string("; closed by the ") + sideName(closed->by) +
               (closed->code == 1006 ? " (1006: connection dropped)" : " (" + std::to_string(closed->code) + ")");
        out += ", " + std::to_string(cut) + (cut == 1 ? " later frame cut" : " later frames cut");
    }
    return out;
}

Recording RecordingPatch::patched(const Recording& recording, const RuleEngine& engine, PatchCounts* counts) {
    PatchCounts local;
    PatchCounts& c = counts ? *counts : local;
    c = PatchCounts{};
    return Patcher(recording, engine, c).run();
}

}  // namespace rtmtap
