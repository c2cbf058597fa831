#pragma once
// Who may use rtmtap ui (docs/ui-api.md, "Access"). On a loopback address only requests whose
// Host names a loopback address are answered, so a page of another site cannot reach the viewer
// through DNS rebinding. Bound anywhere else, every request needs the random token printed at
// start: in the URL (?token=), an Authorization: Bearer header, or the cookie the first answer
// sets (so the page's own requests carry it without putting it in every URL).
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <optional>
#include <string>

namespace rtmtap::ui {

struct Refusal {
    Poco::Net::HTTPResponse::HTTPStatus status;
    std::string reason;  // one line
};

class UiAccess {
public:
    // token: "" on a loopback address (none is needed), else what makeToken() gave.
    explicit UiAccess(std::string token) : token_(std::move(token)) {}

    // 32 hex digits from the system's random source.
    static std::string makeToken();
    // 127.0.0.0/8, ::1, localhost.
    static bool isLoopback(const std::string& host);

    // nullopt: the request may go on.
    std::optional<Refusal> check(const Poco::Net::HTTPServerRequest& request) const;
    // A request that brought the token in its URL gets the cookie that carries it from then on.
    void grant(const Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) const;

    static constexpr const char* kCookie = "rtmtap_ui";

private:
    bool hasToken(const Poco::Net::HTTPServerRequest& request) const;
    std::string tokenInQuery(const Poco::Net::HTTPServerRequest& request) const;

    std::string token_;
};

}  // namespace rtmtap::ui
