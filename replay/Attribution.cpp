#include "Attribution.h"

#include "protocol/Catalogue.h"
#include "protocol/Classifier.h"

#include <deque>
#include <set>
#include <string>

namespace rtmtap {
namespace {

struct OpenCommand {
    size_t index;
    int64_t t_us;
    Classification c;
    std::set<std::string> answeredBy;  // event names already attributed to it
};

bool keysAgree(const std::optional<int64_t>& a, const std::optional<int64_t>& b) {
    return !a || !b || *a == *b;
}

bool canAnswer(const OpenCommand& cmd, const Classification& event) {
    return answers(event.name, cmd.c.name) && !cmd.answeredBy.count(event.name) &&
           keysAgree(cmd.c.channel_id, event.channel_id) && keysAgree(cmd.c.message_id, event.message_id);
}

bool isPayloadFrame(const Message& m) {
    return m.op == Opcode::Text || m.op == Opcode::Binary;
}

}  // namespace

std::vector<std::optional<size_t>> attributeAnswers(const std::vector<Message>& frames, int64_t windowUs) {
    std::vector<std::optional<size_t>> cause(frames.size());
    std::deque<OpenCommand> open;
    for (size_t i = 0; i < frames.size(); ++i) {
        const Message& m = frames[i];
        if (!isPayloadFrame(m)) {
            continue;
        }
        while (!open.empty() && m.t_us - open.front().t_us > windowUs) {
            open.pop_front();
        }
        Classification c = classify(m.payload);
        if (m.dir == Direction::ClientToServer) {
            if (c.kind == Kind::Command) {
                open.push_back({i, m.t_us, std::move(c), {}});
            }
            continue;
        }
        if (c.kind != Kind::Event) {
            continue;
        }
        for (OpenCommand& cmd : open) {
            if (canAnswer(cmd, c)) {
                cmd.answeredBy.insert(c.name);
                cause[i] = cmd.index;
                break;
            }
        }
    }
    return cause;
}

}  // namespace rtmtap
