#pragma once
// The simulator's in-memory world: users user1@example.test .. userN (password "password"),
// channels with members, messages, locks and actions. Every change returns the event frames it
// causes and who receives them; SimServer delivers them. Thread-safe: one mutex.
#include "SimEvents.h"
#include "SimModel.h"
#include "protocol/Clock.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace rtmtap {

struct SimWorldConfig {
    uint64_t seed = 1;
    int users = 5;
    int channels = 3;
    SimFlavor flavor = SimFlavor::Doc;
};

class SimWorld {
public:
    static constexpr const char* kPassword = "password";
    static constexpr int64_t kFirstUserId = 91010000;     // userN has id kFirstUserId + N
    static constexpr int64_t kFirstChannelId = 11010000;  // the first channel ("General") holds everyone
    static constexpr int64_t kBotUserId = 91000001;
    static constexpr int64_t kSharedTeamId = 21010000;  // the team everyone is in; self teams follow
    static constexpr int64_t kFirstGroupId = 31010000;

    SimWorld(const SimWorldConfig& config, const Clock& clock);

    // Accounts: "user3@example.test" or "user3", and the password.
    std::optional<SimUser> login(const std::string& userOrEmail, const std::string& password) const;
    std::optional<SimUser> user(int64_t id) const;
    std::string randomFingerPrint();  // 12 characters, from its own generator (keeps chatter repeatable)
    int64_t nowUnix() const;
    SimFlavor flavor() const { return events_.flavor(); }

    // Live connections: user.online on a user's first, user.offline when the last goes.
    SimOutputs connect(int64_t userId);
    SimOutputs disconnect(int64_t userId);

    // Client commands. Unknown ids or a non-member give no events (the real backend drops them).
    SimOutputs typing(int64_t userId, int64_t channelId);
    SimOutputs readMessage(int64_t userId, int64_t channelId, int64_t messageId);
    SimOutputs readAll(int64_t userId, int64_t channelId);
    SimOutputs react(int64_t userId, int64_t messageId, const std::string& emoji, bool add);

    // Background life (SimChatter).
    SimOutputs post(int64_t userId, int64_t channelId, const std::string& text, int64_t mentionUserId = 0);
    SimOutputs edit(int64_t messageId, const std::string& text);
    SimOutputs deleteMessage(int64_t messageId);
    SimOutputs setOnline(int64_t userId, bool online);
    SimOutputs rename(int64_t userId, const std::string& displayName);
    SimOutputs lockFile(int64_t userId, int64_t channelId, const std::string& fileName);
    SimOutputs releaseLock(int64_t lockId);
    SimOutputs createAction(int64_t userId, int64_t channelId, const std::string& name);
    SimOutputs createChannel(int64_t creator, const std::vector<int64_t>& members, const std::string& name);
    SimOutputs renameChannel(int64_t channelId, const std::string& name);
    SimOutputs removeChannel(int64_t channelId);
    SimOutputs addMember(int64_t channelId, int64_t byUserId, int64_t userId);
    SimOutputs removeMember(int64_t channelId, int64_t byUserId, int64_t userId);

    SimSnapshot snapshot() const;

    // --- Reads for the HTTP API (SimWorldQueries.cpp): copies taken under the lock, so an
    // answer agrees with the events sent before it. ---
    using ChannelView = SimChannelView;
    std::optional<SimUser> userByEmail(const std::string& email) const;
    std::vector<ChannelView> channelsOf(int64_t userId) const;
    std::optional<ChannelView> channelView(int64_t channelId, int64_t userId) const;  // nullopt: no such channel
    // A channel's messages with id < beforeId (0: all), newest first, at most limit (0: all).
    std::vector<SimMessage> messagesBefore(int64_t channelId, int64_t beforeId, int limit) const;
    // A channel's messages with id >= fromId, oldest first, at most limit (0: all).
    std::vector<SimMessage> messagesFrom(int64_t channelId, int64_t fromId, int limit) const;
    std::vector<SimTeamView> teamsOf(int64_t userId) const;  // as the user sees them, self teams included
    std::optional<SimTeam> team(int64_t teamId) const;
    std::vector<SimTeamMemberView> teamMembers(int64_t teamId) const;
    std::vector<SimGroup> groupsOf(int64_t userId) const;
    std::vector<SimAlert> alertsOf(int64_t userId) const;  // oldest first
    // An event frame in the world's flavour, for events that change nothing (system.ping).
    std::string eventFrame(const std::string& event, const Poco::JSON::Object& payload) const;

private:
    void seedWorld(const SimWorldConfig& config);
    void seedTeams();
    void seedGroups();
    std::string randomString(std::mt19937_64& rng, int n);
    SimMessage& addMessage(int64_t userId, int64_t channelId, const std::string& text);
    const SimAlert& storeAlert(SimAlert alert);  // keeps the last 1000
    SimOutputs botMessage(int64_t channelId, int botType, const std::string& text);
    SimOutputs toChannel(const SimChannel& channel, const std::string& event, const Poco::JSON::Object& payload,
                         int64_t except = 0) const;
    SimOutputs perChannelUserEvent(const SimUser& user, const std::string& event) const;
    SimOutputs unreadUpdate(int64_t userId, const SimChannel& channel) const;
    SimOutputs messageUpdated(const SimMessage& message) const;
    std::vector<SimUser> membersOf(const SimChannel& channel) const;
    SimChannel* findChannel(int64_t id);
    const SimChannel* findChannel(int64_t id) const;
    SimMessage* findMessage(int64_t id);
    SimUser* findUser(int64_t id);
    bool isMember(const SimChannel& channel, int64_t userId) const;
    int64_t unreadCount(int64_t userId, const SimChannel& channel, int64_t* oldest = nullptr) const;
    ChannelView viewOf(const SimChannel& channel, int64_t userId) const;  // SimWorldQueries.cpp
    SimTeamView teamViewOf(const SimTeam& team, int64_t userId) const;     // SimWorldTeams.cpp
    SimTeamMemberView memberViewOf(const SimTeam& team, const SimTeamMember& member) const;

    mutable std::mutex mutex_;
    const Clock& clock_;
    SimEvents events_;
    std::mt19937_64 rng_;       // world building and channel e-mails
    std::mt19937_64 tokenRng_;  // finger prints: client logins must not disturb the chatter's sequence
    std::map<int64_t, SimUser> users_;
    std::vector<SimChannel> channels_;
    std::map<int64_t, SimMessage> messages_;
    std::map<std::pair<int64_t, int64_t>, int64_t> readWatermark_;  // (user, channel) -> last read id
    std::map<int64_t, int> connections_;
    std::vector<SimLock> locks_;
    std::vector<SimTeam> teams_;
    std::vector<SimGroup> groups_;
    std::vector<SimAlert> alerts_;
    int64_t nextChannelId_ = kFirstChannelId;
    int64_t nextMessageId_ = 10000;
    int64_t nextRootId_ = 10015;
    int64_t nextLockId_ = 1;
    int64_t nextActionId_ = 1;
    int64_t nextAlertId_ = 1;
    int64_t nextTeamId_ = kSharedTeamId;
    int64_t nextGroupId_ = kFirstGroupId;

    // --- The real flavour's events beyond the document (protocol-notes.md, "Event frames in real
    // traffic"), with the payloads and recipients of the real backend (NormalizedObjectFactory,
    // NotificationManager). Each changes the world; unknown ids or a change the backend refuses
    // give no events. Defined in SimWorldFiles/Actions/Teams/Groups/Joins.cpp.
public:
    // fs.* to the channel's members. Paths are full paths under the channel's files root.
    SimOutputs addFile(int64_t userId, int64_t channelId, const std::string& name, int64_t size);  // fs.add, in the root
    SimOutputs createFolder(int64_t userId, int64_t channelId, const std::string& name);           // fs.folder.create
    SimOutputs moveFile(int64_t userId, int64_t fileId, const std::string& toPath);                // fs.update
    SimOutputs copyFile(int64_t userId, int64_t fileId, const std::string& toPath);                // fs.copy
    SimOutputs deleteFile(int64_t userId, int64_t fileId);                                         // fs.delete
    std::string filesRoot(int64_t channelId) const;  // "/cf/<root>", or "" for an unknown channel

    // action.update / .move / .delete to the members of the action's channel.
    SimOutputs updateAction(int64_t userId, int64_t actionId, const std::string& name, int status);
    SimOutputs moveAction(int64_t userId, int64_t actionId, int64_t afterId, int64_t parentId);  // 0: none
    SimOutputs deleteAction(int64_t actionId);  // its subtasks go with it

    // team.* to the team's members (team.remove_member: the removed user too). The simulated
    // team's channels are all open for team join, so team channel events go to every member.
    SimOutputs addTeamMember(int64_t teamId, int64_t userId);
    SimOutputs updateTeamMember(int64_t teamId, int64_t userId, int role);
    SimOutputs removeTeamMember(int64_t teamId, int64_t userId);  // not the owner
    SimOutputs renameTeam(int64_t teamId, const std::string& name);  // team.update, one frame per member

    // channel.group.* to the group's owner only.
    SimOutputs createGroup(int64_t userId, const std::string& name, const std::vector<int64_t>& channels);
    SimOutputs renameGroup(int64_t groupId, const std::string& name);
    SimOutputs moveGroup(int64_t groupId, int64_t afterGroupId);  // 0: first; reorder's payload is the list
    SimOutputs deleteGroup(int64_t groupId);

    // channel.join.update to the channel's owner (its only manager here); a request also alerts
    // the owner (alert.notification). alert.update goes to the alert's user.
    SimOutputs requestJoin(int64_t userId, int64_t channelId);
    SimOutputs approveJoin(int64_t channelId, int64_t userId);  // the owner approves: the user joins
    SimOutputs rejectJoin(int64_t channelId, int64_t userId);
    SimOutputs readAlert(int64_t alertId);

private:
    static SimOutputs toUsers(const std::vector<int64_t>& users, std::string frame);
    SimOutputs fsEvent(const std::string& event, const SimFile& file, int64_t userId, const std::string& previousPath) const;
    SimOutputs actionCreated(const SimAction& action) const;
    Poco::JSON::Object::Ptr actionObject(const SimAction& action) const;
    SimOutputs teamChannelEvent(const SimChannel& channel, const std::string& event) const;  // real flavour only
    SimOutputs teamMemberEvent(const SimTeam& team, const SimTeamMember& member, const std::string& event,
                               std::vector<int64_t> to) const;
    SimOutputs joinUpdate(const SimChannel& channel, int64_t userId) const;
    SimOutputs groupList(int64_t userId) const;
    SimOutputs addMemberLocked(SimChannel& channel, int64_t byUserId, int64_t userId);
    std::vector<int64_t> teamMemberIds(const SimTeam& team) const;
    SimTeam* findTeam(int64_t id);
    SimGroup* findGroup(int64_t id);
    SimAction* findAction(int64_t id);
    SimFile* findFile(int64_t id);

    std::vector<SimAction> actions_;
    std::vector<SimFile> files_;
    int64_t nextFileId_ = 1;
};

}  // namespace rtmtap
