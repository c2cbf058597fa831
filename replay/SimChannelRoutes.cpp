#include "SimChannelRoutes.h"

#include "SimApiObjects.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/NumberParser.h>

#include <algorithm>
#include <sstream>

namespace rtmtap {
namespace {

constexpr int64_t kMaxPage = 1000;  // bounds one answer; the web client asks for 30 or 40

// A history cursor is a message id's decimal digits in standard base64, as the real API writes it.
std::string encodeCursor(int64_t id) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder << id;
    encoder.close();
    return out.str();
}

// Like PHP's (int)base64_decode(): anything that is not a number is 0 (no cursor).
int64_t decodeCursor(const std::string& cursor) {
    try {
        std::istringstream in(cursor);
        Poco::Base64Decoder decoder(in);
        std::string digits((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
        Poco::Int64 id = 0;
        return Poco::NumberParser::tryParse64(digits, id) && id > 0 ? id : 0;
    } catch (const std::exception&) {
        return 0;
    }
}

Poco::JSON::Array::Ptr array() {
    return new Poco::JSON::Array;
}

}  // namespace

std::vector<SimApiRoute> SimChannelRoutes::routes() {
    auto bind = [this](void (SimChannelRoutes::*serve)(SimApiCall&)) {
        return [this, serve](SimApiCall& call) { (this->*serve)(call); };
    };
    return {
        {"/api/v1/channel.list", {"GET"}, true, bind(&SimChannelRoutes::list)},
        {"/api/v1/channel.info", {"GET"}, false, bind(&SimChannelRoutes::info)},
        {"/api/v1/channel.history", {"GET"}, false, bind(&SimChannelRoutes::history)},
        {"/api/v1/channel.group.list", {"GET"}, false, bind(&SimChannelRoutes::groups)},
        {"/api/v1/team.list", {"GET"}, false, bind(&SimChannelRoutes::teams)},
        {"/api/v1/team.members", {"GET"}, false, bind(&SimChannelRoutes::teamMembers)},
    };
}

// exclude_closed is read and has nothing to leave out: no channel of the world is ever closed.
void SimChannelRoutes::list(SimApiCall& call) {
    const SimUser user = call.user();
    auto channels = array();
    for (const auto& view : world_.channelsOf(user.id)) {
        channels->add(SimApiObjects::channel(view, &user));
    }
    auto body = SimApiCall::answer();
    body->set("channels", channels);
    call.reply(*body);
}

void SimChannelRoutes::info(SimApiCall& call) {
    const SimUser user = call.user();
    const SimWorld::ChannelView view = readable(call, user);
    auto body = SimApiCall::answer();
    body->set("channel", SimApiObjects::channel(view, &user));
    call.reply(*body);
}

// The real ChannelOperations::handleHistoryResponse: `limit` messages older than the cursor
// (from the newest without one), and with a cursor `limit_newer` messages from the cursor's on;
// the cursor's own message is left out when only limit_newer is asked for. All newest first.
// has_more is true whenever a page came back full (the real API's "TODO": a last full page
// says there is more, and the next page is empty).
void SimChannelRoutes::history(SimApiCall& call) {
    const SimUser user = call.user();
    const SimWorld::ChannelView view = readable(call, user);
    int64_t limit = std::clamp<int64_t>(call.intParam("limit", 0), 0, kMaxPage);
    const int64_t limitNewer = std::clamp<int64_t>(call.intParam("limit_newer", 0), 0, kMaxPage);
    limit = limit == 0 && limitNewer == 0 ? 10 : limit;
    const int64_t cursor = decodeCursor(call.param("cursor"));
    const int64_t channelId = view.channel.id;

    std::vector<SimMessage> older;
    if (limit > 0) {
        older = world_.messagesBefore(channelId, cursor, static_cast<int>(limit));
    }
    std::vector<SimMessage> newer;
    if (cursor > 0 && limitNewer > 0) {
        newer = world_.messagesFrom(channelId, cursor, static_cast<int>(limitNewer + (limit > 0 ? 0 : 1)));
    }
    const bool hasMoreNewer = cursor > 0 && limitNewer > 0 && static_cast<int64_t>(newer.size()) >= limitNewer;
    if (limit == 0 && !newer.empty()) {
        // The real API drops the first whatever it is; when the cursor's message was deleted
        // meanwhile that loses one, so here the surplus one goes instead.
        newer.erase(newer.front().id == cursor ? newer.begin() : std::prev(newer.end()));
    }

    auto messages = array();
    for (auto it = newer.rbegin(); it != newer.rend(); ++it) {
        messages->add(SimApiObjects::message(*it, view.channel.name));
    }
    for (const auto& m : older) {
        messages->add(SimApiObjects::message(m, view.channel.name));
    }
    auto body = SimApiCall::answer();
    body->set("messages", messages);
    body->set("has_more", limit > 0 && static_cast<int64_t>(older.size()) >= limit);
    body->set("next_cursor", older.empty() ? "" : encodeCursor(older.back().id));
    body->set("has_more_newer", hasMoreNewer);
    body->set("next_cursor_newer", newer.empty() ? "" : encodeCursor(newer.back().id));
    call.reply(*body);
}

// The user's own groups, then the virtual ones the real API always adds.
void SimChannelRoutes::groups(SimApiCall& call) {
    const SimUser user = call.user();
    auto groups = SimEvents::groupList(world_.groupsOf(user.id));  // as channel.group.reorder lists them
    auto body = SimApiCall::answer();
    body->set("groups", groups);
    call.reply(*body);
}

void SimChannelRoutes::teams(SimApiCall& call) {
    const SimUser user = call.user();
    auto teams = array();
    for (const auto& t : world_.teamsOf(user.id)) {
        if (t.team.teamType != SimTeam::kSelf) {
            teams->add(SimApiObjects::team(t, true));
        }
    }
    auto body = SimApiCall::answer();
    body->set("teams", teams);
    call.reply(*body);
}

void SimChannelRoutes::teamMembers(SimApiCall& call) {
    const SimUser user = call.user();
    if (!call.has("team_id")) {
        throw SimApiCall::Failure(422, "Team id is required");
    }
    auto team = world_.team(call.intParam("team_id", 0));
    if (!team) {
        throw SimApiCall::Failure(404, "Team was not found");
    }
    auto in = [&](const SimTeamMember& m) { return m.userId == user.id; };
    if (std::none_of(team->members.begin(), team->members.end(), in)) {
        throw SimApiCall::Failure(403, "User must be member of the team");
    }
    auto members = array();
    for (const auto& m : world_.teamMembers(team->id)) {
        members->add(SimApiObjects::teamMember(m));
    }
    auto body = SimApiCall::answer();
    body->set("members", members);
    call.reply(*body);
}

// The real API: a missing channel_id is 422, an unknown channel 404 "Invalid Channel", and a
// channel the user is not in 401 (not 403) "You do not have access this channel".
SimWorld::ChannelView SimChannelRoutes::readable(SimApiCall& call, const SimUser& user) {
    call.required("channel_id");
    auto view = world_.channelView(call.intParam("channel_id", 0), user.id);
    if (!view) {
        throw SimApiCall::Failure(404, "Invalid Channel");
    }
    if (!view->member) {
        throw SimApiCall::Failure(401, "You do not have access this channel");
    }
    return *view;
}

}  // namespace rtmtap
