#include "FakeAirSendApi.h"

#include "TestServerSocket.h"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <fstream>
#include <sstream>

namespace rtmtap::test {

class FakeAirSendApi::Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(FakeAirSendApi& owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        owner_.handle(request, response);
    }

private:
    FakeAirSendApi& owner_;
};

class FakeAirSendApi::Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(FakeAirSendApi& owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(owner_);
    }

private:
    FakeAirSendApi& owner_;
};

FakeAirSendApi::FakeAirSendApi(Options options) : options_(std::move(options)) {
    std::unique_ptr<Poco::Net::ServerSocket> socket = testServerSocket(options_.tlsCert, options_.tlsKey);
    port_ = socket->address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *socket, params);
    server_->start();
}

FakeAirSendApi::~FakeAirSendApi() {
    server_->stopAll(true);
}

std::string FakeAirSendApi::url() const {
    return (options_.tlsCert.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_);
}

std::vector<ApiRequest> FakeAirSendApi::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
}

void FakeAirSendApi::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    ApiRequest r;
    r.method = request.getMethod();
    r.uri = request.getURI();
    r.contentType = request.getContentType();
    r.authorization = request.get("Authorization", "");
    std::ostringstream body;
    Poco::StreamCopier::copyStream(request.stream(), body);
    r.body = body.str();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(r);
    }
    if (servePage(r, response)) {
        return;
    }
    auto [status, text] = answer(r);
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    response.send() << text << std::flush;
}

bool FakeAirSendApi::servePage(const ApiRequest& r, Poco::Net::HTTPServerResponse& response) const {
    // "/NAME.html" or "/NAME.js" (a query allowed), NAME of letters, digits, '_' and '-'. Not
    // std::regex: compiling one on a server thread races with the test thread on libstdc++'s
    // shared ctype cache (ThreadSanitizer reports it).
    const std::string path = r.uri.substr(0, r.uri.find('?'));
    const size_t dot = path.rfind('.');
    const std::string ext = dot == std::string::npos ? "" : path.substr(dot);
    const std::string name = dot == std::string::npos || path.size() < 2 ? "" : path.substr(1, dot - 1);
    if (options_.pagesDir.empty() || r.method != "GET" || path[0] != '/' || (ext != ".html" && ext != ".js") ||
        name.empty() ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos) {
        return false;
    }
    std::ifstream in(options_.pagesDir + "/" + name + ext, std::ios::binary);
    if (!in.is_open()) {
        return false;  // the API's 404
    }
    std::ostringstream text;
    text << in.rdbuf();
    // A module script must come as JavaScript, or the browser refuses it.
    response.setContentType(ext == ".html" ? "text/html; charset=utf-8" : "text/javascript; charset=utf-8");
    response.set("Cache-Control", "no-store");
    response.setContentLength(static_cast<std::streamsize>(text.str().size()));
    response.send() << text.str() << std::flush;
    return true;
}

std::pair<int, std::string> FakeAirSendApi::answer(const ApiRequest& r) const {
    const std::string unauthorized = R"({"meta":{"ok":false,"error":"Unauthorized"}})";
    if (r.method == "POST" && r.uri == "/api/v1/user.login") {
        Poco::Net::HTMLForm parsed;
        parsed.read(r.body);  // the url-encoded fields
        if (parsed.get("user", "") == options_.user && parsed.get("password", "") == options_.password) {
            return {200, R"({"meta":{"ok":true},"token":")" + options_.bearer + R"(","user":{"id":91000001}})"};
        }
        return {401, R"({"meta":{"ok":false,"error":"Invalid credentials"}})"};
    }
    if (r.method == "GET" && r.uri == "/api/v1/rtm.connect") {
        if (r.authorization != "Bearer " + options_.bearer) {
            return {401, unauthorized};
        }
        if (options_.rtmConnectBody) {
            return {200, *options_.rtmConnectBody};
        }
        return {200, R"({"meta":{"ok":true},"rtm":{"ws_endpoint":")" + options_.wsEndpoint + R"(","ws_token":")" +
                         options_.wsToken + R"("}})"};
    }
    return {404, R"({"meta":{"ok":false,"error":"Not found"}})"};
}

}  // namespace rtmtap::test
