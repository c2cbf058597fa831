#pragma once
// A running Simulator on a FakeClock for the API route tests, and the calls a browser page on
// another origin makes to it (HttpAnswer), with a bearer when given.
#include "SimTestUtil.h"

#include "tests/support/HttpAnswer.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/URI.h>

namespace rtmtap::test {

class SimApiFixture : public ::testing::Test {
protected:
    void SetUp() override {
        sim = std::make_unique<Simulator>(simConfig(SimFlavor::Real), clock);
        sim->start();
        port = Poco::URI(sim->apiUrl()).getPort();
    }

    HttpAnswer call(const std::string& method, const std::string& target, const std::string& token = "",
                    const std::string& form = "") {
        HeaderPairs headers = {{"X-Airsend-Client-Type", "Web UI"}};
        if (!token.empty()) {
            headers.push_back({"Authorization", "Bearer " + token});
        }
        if (method == "POST") {
            headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
        }
        Poco::Net::HTTPClientSession session("127.0.0.1", port);
        session.setTimeout(Poco::Timespan(10, 0));
        return sendFromPage(session, method, target, headers, form, false);
    }
    HttpAnswer get(const std::string& route, const std::string& token = "") {
        return call("GET", "/api/v1/" + route, token);
    }
    HttpAnswer post(const std::string& route, const std::string& form, const std::string& token = "") {
        return call("POST", "/api/v1/" + route, token, form);
    }

    // The answer's JSON, checked to have meta.ok as expected.
    Poco::JSON::Object::Ptr json(const HttpAnswer& a, bool ok = true) {
        auto obj = jsonObjectOf(a.body);
        EXPECT_NE(obj, nullptr) << a.status << " " << a.body;
        if (!obj) {
            return new Poco::JSON::Object;
        }
        EXPECT_EQ(a.head.getContentType(), "application/json");
        EXPECT_EQ(obj->getObject("meta")->getValue<bool>("ok"), ok) << a.body;
        return obj;
    }
    std::string errorOf(const HttpAnswer& a) {
        auto meta = json(a, false)->getObject("meta");
        return meta && meta->has("error") ? meta->getValue<std::string>("error") : "";
    }
    std::vector<std::string> keysOf(const Poco::JSON::Object::Ptr& obj) {
        std::vector<std::string> keys;
        obj->getNames(keys);
        std::sort(keys.begin(), keys.end());
        return keys;
    }

    std::string login(int n, const std::string& extra = "") {
        HttpAnswer a = post("user.login", "email=user" + std::to_string(n) + "%40example.test&password=password" + extra);
        EXPECT_EQ(a.status, 200) << a.body;
        auto obj = json(a);
        return obj->has("token") ? obj->getValue<std::string>("token") : "";
    }
    // rtm.connect's ws_token for a login token.
    std::string wsToken(const std::string& token) {
        HttpAnswer a = get("rtm.connect", token);
        EXPECT_EQ(a.status, 200) << a.body;
        auto obj = json(a);
        return obj->has("rtm") ? obj->getObject("rtm")->getValue<std::string>("ws_token") : "";
    }
    // A WebSocket client authenticated with the ws_token, past its own user.online.
    std::unique_ptr<SimClient> connect(const std::string& wsToken) {
        auto client = std::make_unique<SimClient>(*sim);
        client->send(R"({"command":"ws_auth","auth_token":")" + wsToken + "\"}");
        client->drain();
        return client;
    }

    FakeClock clock;
    std::unique_ptr<Simulator> sim;
    uint16_t port = 0;
};

}  // namespace rtmtap::test
