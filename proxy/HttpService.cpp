#include "HttpService.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <csignal>

namespace rtmtap {
namespace {

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(const HttpService::Handle& handle) : handle_(handle) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(handle_);
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(const HttpService::Handle& handle) : handle_(handle) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            handle_(req, resp);
        }

    private:
        const HttpService::Handle& handle_;
    };

    const HttpService::Handle& handle_;
};

}  // namespace

HttpService::HttpService(const HttpServiceConfig& config, Handle handle) : handle_(std::move(handle)) {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(config.host, config.port), true, false);  // no SO_REUSEPORT
    socket.listen(config.backlog);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config.threads);
    params->setMaxQueued(config.maxQueued);
    params->setKeepAlive(true);
    if (config.idleTimeoutMs > 0) {
        params->setTimeout(Poco::Timespan(config.idleTimeoutMs * 1000));
        params->setKeepAliveTimeout(Poco::Timespan(config.idleTimeoutMs * 1000));
    }
    pool_ = std::make_unique<Poco::ThreadPool>(2, config.threads, 60, config.stackSize);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(handle_), *pool_, socket, params);
}

HttpService::~HttpService() {
    stop();
}

void HttpService::start() {
    std::signal(SIGPIPE, SIG_IGN);  // a client that went away must be an error, not a signal
    server_->start();
}

void HttpService::stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (server_) {
        server_->stopAll(true);
        pool_->joinAll();
        server_.reset();
    }
}

}  // namespace rtmtap
