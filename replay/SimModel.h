#pragma once
// The records of the simulator's in-memory world (plain data, owned by SimWorld).
#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap {

enum class SimFlavor { Doc, Real };

struct SimUser {
    int64_t id = 0;
    std::string email;
    std::string displayName;
    bool hasAvatar = false;
    bool online = false;
    int64_t lastActiveTs = 0;
};

struct SimReaction {
    int64_t uid = 0;
    std::string dn;
    std::string ev;  // "U 1F600"
};

struct SimMessage {
    int64_t id = 0;
    int64_t userId = 0;
    int64_t channelId = 0;
    std::string displayName;
    int messageType = 1;  // 5: bot message
    std::string text;     // type 1: the text; type 5: bot_message
    int botType = 0;      // type 5: 1 file added, 2 user added, 3 user left (not in the document)
    bool edited = false;
    std::vector<SimReaction> emoticons;
    std::vector<int64_t> readUsers;
    int64_t createdTs = 0;
};

struct SimChannel {
    int64_t id = 0;
    std::string name;
    std::string email;
    int64_t createdBy = 0;
    int64_t createdTs = 0;
    int64_t lastActiveTs = 0;
    int64_t filesRoot = 0;
    int64_t wikiRoot = 0;
    std::vector<int64_t> members;
};

struct SimLock {
    int64_t id = 0;
    int64_t channelId = 0;
    int64_t userId = 0;
    std::string path;
};

// One frame and the users whose connections receive it.
struct SimOutput {
    std::vector<int64_t> to;
    std::string frame;
};
using SimOutputs = std::vector<SimOutput>;

}  // namespace rtmtap

namespace rtmtap {

// A copy of the world's state for the chatter to choose its next move from.
struct SimSnapshot {
    std::vector<SimUser> users;
    std::vector<SimChannel> channels;
    std::vector<SimLock> locks;
    std::vector<int64_t> connected;       // users with at least one live connection
    std::vector<SimMessage> recent;       // the last few messages, oldest first
};

}  // namespace rtmtap
