#pragma once
// AirSend's web client as a test drives it (protocol-notes.md, "The API calls the real web client
// makes" and "The real web client"): the API calls in its order, each preceded by the CORS
// preflight a browser on another origin sends (the X-Airsend-Client-* headers are not
// safelisted), checked as a browser checks it; then its WebSocket: ws_auth, ws_ping -> pong,
// and the events that chat.postmessage and system.ping cause. Against `rtmtap simulate` directly
// or through `rtmtap proxy --api-upstream`: the client only knows the API's address.
#include "TestClient.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rtmtap::test {

class WebClient {
public:
    struct Call {
        std::string method;
        std::string route;  // "channel.history?channel_id=1&limit=40"
        int status = 0;
        Poco::JSON::Object::Ptr json;  // nullptr when the body is not a JSON object
        std::string body;
        std::string cors;  // what a browser would refuse, "" when the preflight and answer pass
    };
    using Form = std::vector<std::pair<std::string, std::string>>;

    explicit WebClient(uint16_t apiPort);
    ~WebClient();

    // One call with its preflight; recorded in calls(). form: a POST's body (form-urlencoded).
    const Call& call(const std::string& method, const std::string& route, const Form& form = {});

    // Steps 1-3 of the real client: handshake, user.login, user.info, channel.list, team.list,
    // channel.group.list, user.alerts, rtm.connect. False (failure() says why) on the first that fails.
    bool logIn(const std::string& email, const std::string& password = "password");
    // Opens the WebSocket rtm.connect named, ws_auth, ws_ping until its pong.
    bool openSocket();
    // Step 4: channel.info, channel.history?limit=40, then every older page by cursor; the messages
    // oldest first. Team channels: team.members too.
    bool openChannel(int64_t channelId, std::vector<Poco::JSON::Object::Ptr>* messages);
    // Step 5: chat.postmessage; true when its chat.postMessage event (same message id) arrives.
    bool postMessage(int64_t channelId, const std::string& text, int64_t* messageId = nullptr);
    // Step 6: system.ping with a fresh ping_token; true when the system.ping event carrying it arrives.
    bool systemPing();
    // ws_ping; true when its pong arrives (events before it are kept in seen()).
    bool wsPing();
    void closeSocket(int code);

    const std::vector<Call>& calls() const { return calls_; }
    const std::string& failure() const { return failure_; }
    int64_t userId() const { return userId_; }
    const std::string& fingerPrint() const { return fingerPrint_; }
    const std::vector<int64_t>& channelIds() const { return channelIds_; }
    // Events received on the socket, by name, in order (pongs included).
    const std::vector<std::string>& seen() const { return seen_; }

private:
    bool fail(const std::string& why);
    bool ok(const Call& c, const std::string& key);
    Poco::JSON::Object::Ptr waitForEvent(const std::string& event, const std::string& key, const std::string& value);
    std::string preflight(const std::string& method, const std::string& target, bool hasBody);

    uint16_t port_;
    std::vector<Call> calls_;
    std::string failure_;
    std::string token_, wsEndpoint_, wsToken_, fingerPrint_;
    int64_t userId_ = 0;
    std::vector<int64_t> channelIds_;
    std::map<int64_t, int64_t> teamOf_;  // channel id -> team id, from channel.list
    std::unique_ptr<TestClient> ws_;
    std::vector<std::string> seen_;
    int pings_ = 0;
};

}  // namespace rtmtap::test
