#include "HttpForwarder.h"
#include "HostName.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>

#include <memory>
#include <set>
#include <stdexcept>

namespace rtmtap {
namespace {

std::set<std::string> connectionNamed(const std::string& connection) {
    std::set<std::string> out;
    Poco::StringTokenizer tokens(connection, ",",
                                 Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& t : tokens) {
        out.insert(Poco::toLower(t));
    }
    return out;
}

std::string connectionHeader(const HeaderList& headers) {
    std::string all;
    for (const auto& [name, value] : headers) {
        if (Poco::icompare(name, "Connection") == 0) {
            all += value + ",";
        }
    }
    return all;
}

// Headers of one hop, not passed on in either direction (RFC 9110 section 7.6.1), plus
// Content-Length (set for the body actually sent) and Host (the origin's own). Accept-Encoding
// is dropped too: a compressed answer could be neither rewritten nor recorded readably; Expect
// as well: the client has had its 100 Continue and the whole body is sent at once.
bool hopByHop(const std::string& lower, const std::set<std::string>& named) {
    static const std::set<std::string> names = {"connection", "keep-alive", "proxy-connection", "proxy-authorization",
                                                "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade",
                                                "content-length", "host", "accept-encoding", "expect"};
    return names.count(lower) > 0 || named.count(lower) > 0;
}

// The headers of a message that go on to the next hop, in their order.
HeaderList endToEnd(const HeaderList& headers) {
    const std::set<std::string> named = connectionNamed(connectionHeader(headers));
    HeaderList out;
    for (const auto& [name, value] : headers) {
        if (!hopByHop(Poco::toLower(name), named)) {
            out.emplace_back(name, value);
        }
    }
    return out;
}

}  // namespace

std::string HttpOrigin::url() const {
    const std::string h = urlHost(host);
    return std::string(tls ? "https://" : "http://") + h + ":" + std::to_string(port) + basePath;
}

HttpOrigin HttpOrigin::parse(const std::string& url, const std::string& option) {
    const std::string example = " (e.g. http://127.0.0.1:8080)";
    const std::string what = "invalid " + option + " '" + url + "': ";
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument(what + e.message() + example);
    }
    HttpOrigin out;
    if (uri.getScheme() == "https") {
        out.tls = true;
    } else if (uri.getScheme() != "http") {
        throw std::invalid_argument(what + "the scheme must be http:// or https://" + example);
    }
    if (uri.getHost().empty() || uri.getPort() == 0) {
        throw std::invalid_argument(what + "no host or port 0" + example);
    }
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
        throw std::invalid_argument(what + "a base URL has no ?query or #fragment");
    }
    out.host = uri.getHost();
    out.port = uri.getPort();
    out.basePath = uri.getPath();
    while (!out.basePath.empty() && out.basePath.back() == '/') {
        out.basePath.pop_back();
    }
    return out;
}

UpstreamAnswer UpstreamAnswer::ownError(int status, const std::string& reason, const std::string& line) {
    UpstreamAnswer a;
    a.status = status;
    a.reason = reason;
    a.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    a.body = line + "\n";
    a.error = line.rfind("rtmtap: ", 0) == 0 ? line.substr(8) : line;
    return a;
}


bool readBoundedStream(std::istream& in, size_t limit, std::string& out) {
    char buffer[16384];
    while (in) {
        in.read(buffer, sizeof buffer);
        out.append(buffer, static_cast<size_t>(in.gcount()));
        if (out.size() > limit) {
            return false;
        }
    }
    return true;
}

HttpForwarder::HttpForwarder(HttpOrigin origin, Poco::Net::Context::Ptr tls, size_t maxBody, int timeoutMs,
                             std::string label)
    : origin_(std::move(origin)), tls_(std::move(tls)), maxBody_(maxBody), timeoutMs_(timeoutMs),
      label_(std::move(label)) {}

UpstreamAnswer HttpForwarder::forward(const ForwardRequest& request,
                                      std::optional<Poco::Net::StreamSocket> connected) const {
    std::string target = request.target;
    if (target.empty() || target[0] != '/') {
        target = "/" + target;
    }
    Poco::Net::HTTPRequest out(request.method, origin_.basePath + target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : endToEnd(request.headers)) {
        out.add(name, value);
    }
    if (request.host.empty()) {
        out.setHost(origin_.host, origin_.port);
    } else {
        out.setHost(request.host);
    }
    if (!request.body.empty() || request.declaresBody) {
        out.setContentLength(static_cast<std::streamsize>(request.body.size()));
    }
    const Poco::Timespan timeout(int64_t(timeoutMs_) * 1000);
    const std::string where = label_ + " " + origin_.url();
    UpstreamAnswer answer;
    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (connected && origin_.tls) {
            connected->setReceiveTimeout(timeout);
            connected->setSendTimeout(timeout);
            // A plain HTTPClientSession over the secure socket: HTTPSClientSession's constructor for
            // a connected socket sets the port, which POCO 1.11 refuses on a connected session.
            session = std::make_unique<Poco::Net::HTTPClientSession>(
                Poco::Net::SecureStreamSocket::attach(*connected, origin_.host, tls_));
        } else if (connected) {
            session = std::make_unique<Poco::Net::HTTPClientSession>(*connected);
        } else if (origin_.tls) {
            session = std::make_unique<Poco::Net::HTTPSClientSession>(origin_.host, origin_.port, tls_);
        } else {
            session = std::make_unique<Poco::Net::HTTPClientSession>(origin_.host, origin_.port);
        }
        session->setTimeout(timeout);
        std::ostream& os = session->sendRequest(out);
        os.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
        Poco::Net::HTTPResponse in;
        std::istream& is = session->receiveResponse(in);
        if (!readBoundedStream(is, maxBody_, answer.body)) {
            return UpstreamAnswer::ownError(
                502, "Bad Gateway",
                "rtmtap: " + where + " answered with a body above " + std::to_string(maxBody_) + " bytes");
        }
        answer.status = static_cast<int>(in.getStatus());
        answer.contentLength = in.hasContentLength() ? in.getContentLength64() : 0;
        answer.reason = in.getReason();
        answer.headers = endToEnd(HeaderList(in.begin(), in.end()));
    } catch (const Poco::TimeoutException&) {
        return UpstreamAnswer::ownError(504, "Gateway Timeout", "rtmtap: " + where + " did not answer in time");
    } catch (const Poco::Exception& e) {
        return UpstreamAnswer::ownError(502, "Bad Gateway", "rtmtap: cannot reach " + where + ": " + e.displayText());
    }
    return answer;
}

}  // namespace rtmtap
