#pragma once
// The world's records as the real API's NormalizedObjectFactory writes them in answers (the
// fields the web client reads, not every field the real server has): users, channels, messages,
// teams, team members. Groups and alerts are written as their events carry them (SimEvents).
#include "SimWorld.h"

#include <Poco/JSON/Object.h>

namespace rtmtap {

class SimApiObjects {
public:
    // full: as for the user themselves (login, own user.info): adds email and account details.
    static Poco::JSON::Object::Ptr user(const SimUser& user, bool full);
    static Poco::JSON::Object::Ptr message(const SimMessage& message, const std::string& channelName);
    static Poco::JSON::Object::Ptr channel(const SimWorld::ChannelView& view, const SimUser& viewer);
    static Poco::JSON::Object::Ptr team(const SimTeam& team, int64_t viewerId);
    static Poco::JSON::Object::Ptr teamMember(const SimTeam& team, const SimTeamMember& member, const SimUser& user,
                                              int64_t channelCount);
};

}  // namespace rtmtap
