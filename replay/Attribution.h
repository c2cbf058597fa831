#pragma once
// Which recorded server frames answered which client command: `rtmtap replay --reactive` holds
// an answer until the client under test sends the matching command.
//
// How an answer is attributed (README, "Replaying a session"): a server event answers a client
// command when
//   1. the catalogue says the event can answer that command (protocol/Catalogue commandAnswers:
//      pong <- ws_ping, chat.updateMessage <- ws_add_reaction, ...),
//   2. the command came before the event and at most `windowUs` before it,
//   3. their key fields agree where both carry them (channel_id, message_id as the classifier
//      finds them: a reaction's message_id against the updated message's id), and
//   4. that command has not already been answered by an earlier event of the same name.
// Among several such commands the oldest wins (first in, first answered: two ws_pings get their
// pongs in order). Everything else (chatter, other users' events, protocol pings) is caused by
// no command and keeps its own recorded timing.
#include "protocol/Message.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace rtmtap {

constexpr int64_t kDefaultAnswerWindowUs = 10'000'000;

// For each frame, the index (into frames) of the command it answered, or nullopt. frames are one
// session's, in recorded order.
std::vector<std::optional<size_t>> attributeAnswers(const std::vector<Message>& frames,
                                                    int64_t windowUs = kDefaultAnswerWindowUs);

}  // namespace rtmtap
