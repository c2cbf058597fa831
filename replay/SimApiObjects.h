#pragma once
// The world's records as the real API's NormalizedObjectFactory writes them (the fields the web
// client reads, not every field the real server has): users, channels, messages, teams, team
// members. One normalizer for both sides, as in the real backend: the HTTP answers use it, and so
// do the real flavour's events (SimEvents), so an answer agrees with the event about the same
// record. Groups and alerts are written by SimEvents (their events came first).
#include "SimModel.h"

#include <Poco/JSON/Object.h>

namespace rtmtap {

class SimApiObjects {
public:
    // full: as for the user themselves (login, own user.info): adds email and account details.
    static Poco::JSON::Object::Ptr user(const SimUser& user, bool full);
    static Poco::JSON::Object::Ptr message(const SimMessage& message, const std::string& channelName);
    // viewer null: as the backend normalises a channel for channel.create and the team channel
    // events, without the fields that belong to one user (unread counts, role, group...).
    static Poco::JSON::Object::Ptr channel(const SimChannelView& view, const SimUser* viewer);
    // abbreviated: team.list's team; the whole one (announcements, open channels) is team.update's,
    // as TeamManager::list and TeamUpdateEvent call normalizedTeam with true and false.
    static Poco::JSON::Object::Ptr team(const SimTeamView& view, bool abbreviated);
    static Poco::JSON::Object::Ptr teamMember(const SimTeamMemberView& view);
    static Poco::JSON::Array::Ptr emoticons(const SimMessage& message);  // [{uid, dn, ev}]
    static Poco::JSON::Array::Ptr channelRoots(const SimChannel& channel);  // files and wiki
};

}  // namespace rtmtap
