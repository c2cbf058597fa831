#pragma once
// Adapts a function to POCO's handler factory, so the simulator's servers keep their state in
// their own objects (HTTPServer owns and deletes its factory).
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <functional>

namespace rtmtap {

class SimHttpFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    using Handle = std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;
    explicit SimHttpFactory(Handle handle) : handle_(std::move(handle)) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(handle_);
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(const Handle& handle) : handle_(handle) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            handle_(req, resp);
        }

    private:
        const Handle& handle_;
    };

    Handle handle_;
};

}  // namespace rtmtap
