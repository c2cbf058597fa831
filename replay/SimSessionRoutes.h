#pragma once
// The API routes of logging in and of the session (SimApi dispatches them):
//   GET  handshake                -> settings (no auth)
//   POST user.login               user|email, password[, remember_me, timezone] -> token, user
//        401 bad credentials or a locked-out account (SimLoginGuard); 422 a missing field
//   POST user.login.refresh       bearer (may be expired) of a remember_me login -> token (once)
//   POST user.logout              bearer -> 202; the token is refused (401) from then on
//   GET  user.info                bearer[, email | user_id] -> user; 400 unknown user
//   GET  user.alerts              bearer -> alerts
//   GET|POST rtm.connect          bearer -> rtm {ws_endpoint, ws_token}
#include "SimApiRoute.h"
#include "SimJwt.h"
#include "SimLoginGuard.h"
#include "SimSessions.h"
#include "SimWorld.h"

#include <string>
#include <vector>

namespace rtmtap {

class SimSessionRoutes {
public:
    static constexpr int64_t kLoginTokenSeconds = 30 * 86400;
    static constexpr int64_t kWsTokenSeconds = 24 * 3600;

    // wsEndpoint: what rtm.connect hands out, e.g. "ws://127.0.0.1:9001".
    SimSessionRoutes(SimWorld& world, const SimJwt& jwt, SimSessions& sessions, std::string wsEndpoint);

    std::vector<SimApiRoute> routes();

private:
    void handshake(SimApiCall& call);
    void login(SimApiCall& call);
    void refresh(SimApiCall& call);
    void logout(SimApiCall& call);
    void info(SimApiCall& call);
    void alerts(SimApiCall& call);
    void rtmConnect(SimApiCall& call);
    std::string loginToken(SimApiCall& call, const SimUser& user, bool rememberMe);
    SimClaims claimsFor(const SimUser& user, SimApiCall& call, int64_t lifetime);

    SimWorld& world_;
    const SimJwt& jwt_;
    SimSessions& sessions_;
    std::string wsEndpoint_;
    SimLoginGuard guard_;
};

}  // namespace rtmtap
