#pragma once
// The records of the simulator's in-memory world (plain data, owned by SimWorld).
#include <cstdint>
#include <optional>
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
    int64_t teamId = 0;  // the team the channel belongs to (SimTeam)
    std::vector<int64_t> members;
    std::vector<int64_t> pendingMembers;  // join requests waiting for the owner (channel.join.update)
};

// A team, as AirSend has them: every user has a self team of their own (type kSelf), and the
// simulated world has one shared team holding everyone, which the seeded channels belong to.
struct SimTeamMember {
    int64_t userId = 0;
    int role = 0;  // kOwner, kMember
    static constexpr int kOwner = 100;
    static constexpr int kManager = 50;
    static constexpr int kMember = 10;
};

struct SimTeam {
    static constexpr int kSelf = 1;
    static constexpr int kStandard = 2;
    int64_t id = 0;
    std::string name;
    int teamType = kStandard;
    int64_t createdBy = 0;
    int64_t createdTs = 0;
    std::vector<SimTeamMember> members;
};

// A user's own grouping of channels in the side bar (channel.group.*): groups belong to one user.
struct SimGroup {
    int64_t id = 0;
    int64_t userId = 0;
    std::string name;
    int order = 0;  // position among the user's groups, 1..n
    std::vector<int64_t> channels;
    int64_t createdTs = 0;
};

// An alert a user received (alert.notification), kept for user.alerts and alert.update.
struct SimAlert {
    int64_t id = 0;
    int64_t userId = 0;      // who received it
    int64_t fromUserId = 0;  // who caused it
    int64_t channelId = 0;
    int64_t messageId = 0;  // 0: a channel alert (a join request), not a message's
    std::string text;
    bool isRead = false;
    int64_t createdTs = 0;
};

// An action (task) of a channel; parentId makes it a subtask. Order in SimWorld's list is the
// display order (action.move).
struct SimAction {
    int64_t id = 0;
    int64_t channelId = 0;
    int64_t parentId = 0;  // 0: a top-level action
    std::string name;
    std::string desc;
    int status = 0;  // 0 open, 1 complete
    int64_t createdBy = 0;
    int64_t createdTs = 0;
    int64_t dueTs = 0;
    int64_t updatedBy = 0;  // 0: never updated
    int64_t updatedTs = 0;
};

// A file or folder in a channel's file roots (fs.*). path is the full path, "/cf/10015/report.pdf".
struct SimFile {
    int64_t id = 0;
    int64_t channelId = 0;
    std::string path;
    bool folder = false;
    int64_t size = 0;
    int64_t createdBy = 0;
    int64_t createdTs = 0;
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
    std::vector<SimTeam> teams;
    std::vector<SimGroup> groups;
    std::vector<SimAlert> alerts;
    std::vector<SimAction> actions;
    std::vector<SimFile> files;
    std::vector<int64_t> connected;       // users with at least one live connection
    std::vector<SimMessage> recent;       // the last few messages, oldest first
};

// Views: a record with what the real NormalizedObjectFactory adds to it, computed by SimWorld
// under its lock, so that an API answer and an event built from one (SimApiObjects) agree.

// A channel as one user sees it (viewer 0: as nobody, for the events the backend normalises
// without a user).
struct SimChannelView {
    SimChannel channel;
    std::vector<SimUser> members;
    bool member = false;  // the viewer is a member
    int64_t unreadCount = 0;
    int64_t readWatermark = 0;
    std::optional<SimMessage> latest;
    int64_t messageCount = 0;
    int64_t groupId = -1;       // the viewer's SimGroup holding it; -1: none
    bool standardTeam = false;  // its team is not a self team (the API shows team_id then)
};

// A team as one of its members sees it: their role and the team's channels (all of them open
// for team join in the simulated world).
struct SimTeamView {
    struct OpenChannel {
        int64_t id = 0;
        std::string name;
        int64_t membersCount = 0;
        bool joined = false;  // the viewer is in it
    };
    SimTeam team;
    int role = 0;  // the viewer's
    std::vector<OpenChannel> openChannels;
};

// A team member with normalizedTeamMember's figures: the team's channels they are in, those
// they own, and the files (count, bytes) in the channels they own.
struct SimTeamMemberView {
    SimTeamMember member;
    SimUser user;
    int64_t teamId = 0;
    int64_t memberSince = 0;  // the team's creation: the world keeps no account creation time
    int64_t invitedBy = 0;
    int64_t channels = 0;
    int64_t channelsOwned = 0;
    int64_t fsCount = 0;
    int64_t fsSize = 0;
};

}  // namespace rtmtap
