#include "UiServer.h"

#include "HttpReply.h"
#include "UiAssets.h"
#include "proxy/HostName.h"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <iostream>

namespace rtmtap::ui {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

// The page may run only its own scripts and talk only to this server.
constexpr const char* kPagePolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

std::string contentTypeOf(const std::string& name) {
    static const std::pair<const char*, const char*> kTypes[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
        {".png", "image/png"},                 {".json", "application/json; charset=utf-8"},
        {".ico", "image/x-icon"}};
    for (const auto& [ext, type] : kTypes) {
        if (Poco::endsWith(name, std::string(ext))) {
            return type;
        }
    }
    return "application/octet-stream";
}

}  // namespace

UiServer::UiServer(const UiConfig& config)
    : config_(config),
      token_(UiAccess::isLoopback(config.host) ? "" : UiAccess::makeToken()),
      access_(token_) {
    HttpServiceConfig service;
    service.host = config.host;
    service.port = config.port;
    service.threads = config.threads;
    service.maxQueued = 128;
    try {
        service_ = std::make_unique<HttpService>(service, [this](auto& req, auto& resp) { handle(req, resp); });
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + urlHost(config.host) + ":" + std::to_string(config.port) + ": " +
                                 e.displayText() + " (pick another --listen address or port)");
    }
    UiApiConfig api;  // made now that the port is known; nothing is served before start()
    api.db = config.db;
    api.version = config.version;
    api.listen = urlHost(config.host) + ":" + std::to_string(service_->port());
    api.tailPollMs = config.tailPollMs;
    api_ = std::make_unique<UiApi>(api);
}

UiServer::~UiServer() {
    stop();
}

void UiServer::start() {
    service_->start();
}

void UiServer::stop() {
    api_->stop();  // the event streams end first, so their threads are free to join
    service_->stop();
}

std::string UiServer::url() const {
    return "http://" + urlHost(config_.host) + ":" + std::to_string(port()) + "/" +
           (token_.empty() ? "" : "?token=" + token_);
}

void UiServer::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    try {
        if (std::optional<Refusal> refusal = access_.check(request)) {
            sendError(response, refusal->status, refusal->reason);
            return;
        }
        if (request.getMethod() != "GET") {
            response.set("Allow", "GET");
            sendError(response, Status::HTTP_METHOD_NOT_ALLOWED, "rtmtap ui answers GET only");
            return;
        }
        std::string path;
        QueryParams params;
        try {
            Poco::URI uri(request.getURI());
            path = uri.getPath();
            params = uri.getQueryParameters();
        } catch (const Poco::Exception& e) {
            throw HttpError(Status::HTTP_BAD_REQUEST, "cannot read the request's URI: " + e.message());
        }
        access_.grant(request, response);
        if (path.rfind("/api/", 0) == 0) {
            api_->handle(path, params, request, response);
        } else {
            serveFile(path, request, response);
        }
    } catch (const HttpError& e) {
        if (!response.sent()) {
            sendError(response, e.status, e.what());
        }
    } catch (const std::exception& e) {
        // The database could not be read (Reader's one line), or the client went away mid-answer.
        if (!response.sent()) {
            sendError(response, Status::HTTP_INTERNAL_SERVER_ERROR, e.what());
        }
    }
}

void UiServer::serveFile(const std::string& path, Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) {
    const std::string name = path == "/" ? "index.html" : path.substr(1);
    for (const UiAsset& asset : uiAssets()) {
        if (asset.name == name) {
            response.setStatusAndReason(Status::HTTP_OK);
            setCommonHeaders(response);
            response.setContentType(contentTypeOf(name));
            if (Poco::endsWith(name, std::string(".html"))) {
                response.set("Content-Security-Policy", kPagePolicy);
                response.set("Referrer-Policy", "no-referrer");
            }
            response.sendBuffer(asset.bytes.data(), asset.bytes.size());
            return;
        }
    }
    throw HttpError(Status::HTTP_NOT_FOUND,
                    uiAssets().empty() ? "this rtmtap was built without its page (ui/web was empty)" : "no such file: " + path);
}

}  // namespace rtmtap::ui
