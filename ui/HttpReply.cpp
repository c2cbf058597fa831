#include "HttpReply.h"

#include "store/JsonObject.h"

namespace rtmtap::ui {

void setCommonHeaders(Poco::Net::HTTPServerResponse& response) {
    response.set("Cache-Control", "no-store");
    response.set("X-Content-Type-Options", "nosniff");
}

void sendJson(Poco::Net::HTTPServerResponse& response, const std::string& json, Poco::Net::HTTPResponse::HTTPStatus status) {
    response.setStatusAndReason(status);
    setCommonHeaders(response);
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(json.size() + 1));
    response.send() << json << '\n';
}

void sendError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& message) {
    sendJson(response, JsonObject().string("error", message).str(), status);
}

}  // namespace rtmtap::ui
