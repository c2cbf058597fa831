#pragma once
// How rtmtap ui answers: JSON with the headers every answer carries (docs/ui-api.md), and the
// one-line error object.
#include <Poco/Net/HTTPServerResponse.h>

#include <stdexcept>
#include <string>

namespace rtmtap::ui {

// A request the API cannot answer, with the status to say so (400 unless told).
struct HttpError : std::runtime_error {
    HttpError(Poco::Net::HTTPResponse::HTTPStatus s, const std::string& what) : std::runtime_error(what), status(s) {}
    Poco::Net::HTTPResponse::HTTPStatus status;
};

// no-store, nosniff: answers are live views of a database, and none is to be read as another type.
void setCommonHeaders(Poco::Net::HTTPServerResponse& response);
void sendJson(Poco::Net::HTTPServerResponse& response, const std::string& json,
              Poco::Net::HTTPResponse::HTTPStatus status = Poco::Net::HTTPResponse::HTTP_OK);
// {"error": "..."}
void sendError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& message);

}  // namespace rtmtap::ui
