#include "CorsHeaders.h"

namespace rtmtap {

CorsHeaders::CorsHeaders(const std::vector<std::string>& methods) {
    for (const std::string& method : methods) {
        allowMethods_ += method + ",";
    }
    allowMethods_ += Poco::Net::HTTPRequest::HTTP_OPTIONS;
}

const std::vector<std::string>& CorsHeaders::unknownRouteMethods() {
    static const std::vector<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    return methods;
}

void CorsHeaders::apply(const Poco::Net::HTTPRequest& request, Poco::Net::HTTPResponse& response) const {
    response.set("Access-Control-Allow-Origin", "*");
    response.set("Access-Control-Allow-Methods", allowMethods_);
    const std::string requested = request.get("Access-Control-Request-Headers", "");
    if (!requested.empty()) {
        response.set("Access-Control-Allow-Headers", requested);
    }
    // Lets a page send its Authorization header along (the real API's own reason for it).
    response.set("Access-Control-Allow-Credentials", "true");
}

bool CorsHeaders::isPreflight(const Poco::Net::HTTPRequest& request) {
    return request.getMethod() == Poco::Net::HTTPRequest::HTTP_OPTIONS;
}

void CorsHeaders::answerPreflight(const Poco::Net::HTTPRequest& request,
                                  Poco::Net::HTTPServerResponse& response) const {
    apply(request, response);
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
    response.setContentLength(0);
    response.send();
}

}  // namespace rtmtap
