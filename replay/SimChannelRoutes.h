#pragma once
// The API routes that read channels, teams and groups (SimApi dispatches them), all with a bearer:
//   GET channel.list[?exclude_closed=]        -> channels (the user's, normalized as the real API)
//   GET channel.info?channel_id=              -> channel; 404 unknown, 401 not a member
//   GET channel.history?channel_id=&limit=[&limit_newer=&cursor=]
//       -> messages (newest first), has_more, next_cursor, has_more_newer, next_cursor_newer
//   GET channel.group.list                    -> groups (the user's, then the virtual all and dm)
//   GET team.list                             -> teams (self teams left out, as the real API)
//   GET team.members?team_id=                 -> members; 404 unknown, 403 not a member
#include "SimApiRoute.h"
#include "SimWorld.h"

#include <vector>

namespace rtmtap {

class SimChannelRoutes {
public:
    explicit SimChannelRoutes(SimWorld& world) : world_(world) {}

    std::vector<SimApiRoute> routes();

private:
    void list(SimApiCall& call);
    void info(SimApiCall& call);
    void history(SimApiCall& call);
    void groups(SimApiCall& call);
    void teams(SimApiCall& call);
    void teamMembers(SimApiCall& call);
    // The channel the user may read; else the real API's 404 or 401.
    SimWorld::ChannelView readable(SimApiCall& call, const SimUser& user);

    SimWorld& world_;
};

}  // namespace rtmtap
