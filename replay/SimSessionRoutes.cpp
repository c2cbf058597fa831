#include "SimSessionRoutes.h"

#include "SimApiObjects.h"
#include "SimEvents.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

namespace rtmtap {
namespace {

// Listening on every interface, the endpoint names the host the client reached the API by.
std::string endpointFor(const std::string& endpoint, const Poco::Net::HTTPServerRequest& request) {
    for (const std::string any : {"://0.0.0.0:", "://[::]:"}) {
        const size_t at = endpoint.find(any);
        if (at == std::string::npos || !request.has("Host")) {
            continue;
        }
        std::string host = request.getHost();
        const size_t colon = host.rfind(':');
        if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
            host.resize(colon);
        }
        return endpoint.substr(0, at + 3) + host + endpoint.substr(at + any.size() - 1);
    }
    return endpoint;
}

// The real HandshakeManager's channel roles (hard-coded there too, to keep clients in sync).
Poco::JSON::Object::Ptr channelRoles() {
    struct Role {
        int level;
        const char* title;
        const char* description;
        const char* icon;
        std::vector<const char*> perms;
    };
    const Role roles[] = {
        {10, "viewer", "Read Messages, Wiki and Download Files", "user", {}},
        {20, "collaborator", "Post Messages, Read Wiki and Upload Files", "user-edit", {"file.upload", "channel.message"}},
        {30, "full-collaborator", "Post Messages, Edit Wiki and Upload Files", "user-tie",
         {"action.create", "action.update", "file.upload", "wiki.edit", "channel.message"}},
        {50, "manager", "Post Messages, Edit Wiki, Upload Files and Managing users", "user-shield",
         {"channel.invite", "channel.kick", "action.create", "action.update", "wiki.edit", "file.upload",
          "channel.message", "channel.manage", "channel.approve"}},
        {100, "admin", "Manage channel completely", "user-crown", {"super"}},
    };
    auto out = SimEvents::object();
    for (const Role& r : roles) {
        auto role = SimEvents::object();
        role->set("title", r.title);
        role->set("i18n", std::string("channels.members-badge-") + r.title);
        role->set("description", r.description);
        role->set("icon", r.icon);
        // An empty PHP array is written as [], a filled one as an object.
        Poco::Dynamic::Var perms = Poco::JSON::Array::Ptr(new Poco::JSON::Array);
        if (!r.perms.empty()) {
            auto map = SimEvents::object();
            for (const char* p : r.perms) {
                map->set(p, true);
            }
            perms = map;
        }
        role->set("perms", perms);
        role->set("level", r.level);
        out->set(std::to_string(r.level), role);
    }
    return out;
}

// PHP's (bool) of a form field: only "" and "0" are false.
bool phpTruthy(const std::string& value) {
    return !value.empty() && value != "0";
}

// The lockout's key: the account as the client names it, lower-cased; "user3" names the same
// account as "user3@example.test" (SimWorld::login takes both).
std::string accountKey(const std::string& userOrEmail) {
    std::string key = Poco::toLower(Poco::trim(userOrEmail));
    return key.find('@') == std::string::npos ? key + "@example.test" : key;
}

}  // namespace

SimSessionRoutes::SimSessionRoutes(SimWorld& world, const SimJwt& jwt, SimSessions& sessions, std::string wsEndpoint)
    : world_(world), jwt_(jwt), sessions_(sessions), wsEndpoint_(std::move(wsEndpoint)) {}

std::vector<SimApiRoute> SimSessionRoutes::routes() {
    auto bind = [this](void (SimSessionRoutes::*serve)(SimApiCall&)) {
        return [this, serve](SimApiCall& call) { (this->*serve)(call); };
    };
    return {
        {"/api/v1/handshake", {"GET"}, true, bind(&SimSessionRoutes::handshake)},
        {"/api/v1/user.login", {"POST"}, false, bind(&SimSessionRoutes::login)},
        {"/api/v1/user.login.refresh", {"POST"}, false, bind(&SimSessionRoutes::refresh)},
        {"/api/v1/user.logout", {"POST"}, false, bind(&SimSessionRoutes::logout)},
        {"/api/v1/user.info", {"GET"}, false, bind(&SimSessionRoutes::info)},
        {"/api/v1/user.alerts", {"GET"}, false, bind(&SimSessionRoutes::alerts)},
        {"/api/v1/rtm.connect", {"GET", "POST"}, true, bind(&SimSessionRoutes::rtmConnect)},
    };
}

void SimSessionRoutes::handshake(SimApiCall& call) {
    auto settings = SimEvents::object();
    settings->set("recaptchaEnabled", false);
    settings->set("recaptchaV2SiteKey", "");
    settings->set("recaptchaV3SiteKey", "");
    settings->set("recaptchaAndroidSiteKey", "");
    settings->set("giphyKey", "");
    settings->set("wrtcServerAddress", "");
    settings->set("channel_roles", channelRoles());
    auto body = SimApiCall::answer();
    body->set("settings", settings);
    call.reply(*body);
}

void SimSessionRoutes::login(SimApiCall& call) {
    const std::string name = call.has("user") ? call.param("user") : call.param("email");
    if (name.empty()) {
        throw SimApiCall::Failure(422, "The user (or email) field is required", "user");
    }
    const std::string password = call.required("password");
    const std::string account = accountKey(name);
    if (const int64_t wait = guard_.blockedFor(account, call.now())) {
        throw SimApiCall::Failure(401, SimLoginGuard::blockedMessage(wait));
    }
    auto user = world_.login(name, password);
    if (!user) {
        guard_.failed(account, call.now());
        throw SimApiCall::Failure(401, "Invalid user or password");
    }
    guard_.succeeded(account);
    auto body = SimApiCall::answer();
    body->set("token", loginToken(call, *user, phpTruthy(call.param("remember_me"))));
    body->set("user", SimApiObjects::user(*user, true));
    call.reply(*body);
}

// The real API waives the expiry here (AuthMiddleware without its TTL check): the client
// refreshes a token that has run out. Only a remember_me token may, and only once.
void SimSessionRoutes::refresh(SimApiCall& call) {
    const SimUser user = call.user(true);
    if (!sessions_.takeRefresh(call.claims().fingerPrint, user.id, call.now())) {
        throw SimApiCall::Failure(401, "Unauthorized");
    }
    auto body = SimApiCall::answer();
    body->set("token", loginToken(call, user, true));
    call.reply(*body);
}

// The real API deletes the token's id from its cache, and AuthMiddleware refuses it from then
// on: here the token itself is remembered as logged out until it expires. WebSocket tokens that
// rtm.connect issued with it stay valid, as with the real RTM server, which never asks the API.
void SimSessionRoutes::logout(SimApiCall& call) {
    call.user();
    sessions_.revoke(call.bearer(), call.claims().expiry, call.now());
    call.reply(*SimApiCall::answer(), 202);
}

void SimSessionRoutes::info(SimApiCall& call) {
    const SimUser self = call.user();
    std::optional<SimUser> wanted = self;
    if (!call.param("email").empty()) {
        wanted = world_.userByEmail(Poco::toLower(call.param("email")));
    } else if (!call.param("user_id").empty()) {
        wanted = world_.user(call.intParam("user_id", 0));
    }
    if (!wanted) {
        throw SimApiCall::Failure(400, "Failed request");  // the real API's answer to an unknown user
    }
    auto body = SimApiCall::answer();
    body->set("user", SimApiObjects::user(*wanted, wanted->id == self.id));
    call.reply(*body);
}

void SimSessionRoutes::alerts(SimApiCall& call) {
    const SimUser self = call.user();
    auto list = Poco::JSON::Array::Ptr(new Poco::JSON::Array);
    for (const auto& alert : world_.alertsOf(self.id)) {
        const std::optional<SimUser> from = world_.user(alert.fromUserId);
        list->add(SimEvents::alert(alert, from ? std::vector<SimUser>{*from} : std::vector<SimUser>{}));
    }
    auto body = SimApiCall::answer();
    body->set("alerts", list);
    call.reply(*body);
}

void SimSessionRoutes::rtmConnect(SimApiCall& call) {
    const SimUser user = call.user();
    const SimClaims claims = claimsFor(user, call, kWsTokenSeconds);
    sessions_.issueFingerPrint(claims.fingerPrint, user.id, claims.expiry, call.now());
    auto rtm = SimEvents::object();
    rtm->set("ws_endpoint", endpointFor(wsEndpoint_, call.request()));
    rtm->set("ws_token", jwt_.sign(claims));
    auto body = SimApiCall::answer();
    body->set("rtm", rtm);
    call.reply(*body, 200, 4);  // the real server pretty-prints this answer
}

std::string SimSessionRoutes::loginToken(SimApiCall& call, const SimUser& user, bool rememberMe) {
    const SimClaims claims = claimsFor(user, call, kLoginTokenSeconds);
    if (rememberMe) {
        // Outlives the token: refreshing is what a client does once its token has run out.
        sessions_.grantRefresh(claims.fingerPrint, user.id, claims.expiry + kLoginTokenSeconds, call.now());
    }
    return jwt_.sign(claims);
}

SimClaims SimSessionRoutes::claimsFor(const SimUser& user, SimApiCall& call, int64_t lifetime) {
    SimClaims c;
    const int64_t now = call.now();
    c.userId = user.id;
    c.userName = user.displayName;
    c.clientIp = call.clientIp();
    c.userAgent = call.request().get("User-Agent", "");
    c.expiry = now + lifetime;
    c.fingerPrint = world_.randomFingerPrint();
    c.topic = "user_" + std::to_string(user.id);
    c.createdOn = now;
    return c;
}

}  // namespace rtmtap
