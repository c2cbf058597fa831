#include "ControlClient.h"

#include "ControlServer.h"
#include "UnixSocketAddress.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timespan.h>

#include <sys/stat.h>

namespace rtmtap {
namespace {

constexpr size_t kMaxAnswer = 256u << 20;  // a listing of many live sessions, still bounded

}  // namespace

ControlClient::ControlClient(const std::string& dbPath, int timeoutMs)
    : dbPath_(dbPath), path_(ControlServer::pathFor(dbPath)) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
        throw NoProxyRunning("no rtmtap proxy is running on '" + dbPath_ + "' (no control socket '" + path_ +
                             "'; start one with: rtmtap proxy --db " + dbPath_ + ")");
    }
    Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(timeoutMs) * 1000);
    Poco::Net::StreamSocket socket;
    try {
        UnixSocketAddress address(path_);
        socket.connect(address.address(), timeout);
    } catch (const Poco::Net::ConnectionRefusedException&) {
        throw NoProxyRunning("no rtmtap proxy is running on '" + dbPath_ + "' (its control socket '" + path_ +
                             "' was left by one that ended)");
    } catch (const Poco::TimeoutException&) {
        throw std::runtime_error("the rtmtap proxy on '" + dbPath_ + "' does not answer on '" + path_ + "' (busy? try again)");
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot connect to the control socket '" + path_ + "': " + e.displayText() +
                                 " (is the proxy run by another user?)");
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("cannot connect to the control socket: ") + e.what());
    }
    socket.setReceiveTimeout(timeout);
    socket.setSendTimeout(timeout);
    channel_ = std::make_unique<JsonLineChannel>(socket, kMaxAnswer);
}

ControlClient::~ControlClient() = default;

Poco::JSON::Object::Ptr ControlClient::request(const std::string& json) {
    const std::string lost = "the rtmtap proxy on '" + dbPath_ + "' ";
    try {
        channel_->writeLine(json);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error(lost + "closed the control connection (" + e.displayText() + ")");
    }
    std::string line;
    switch (channel_->readLine(line)) {
    case JsonLineChannel::Read::Line:
        break;
    case JsonLineChannel::Read::Timeout:
        throw std::runtime_error(lost + "did not answer in time");
    case JsonLineChannel::Read::TooLong:
        throw std::runtime_error(lost + "answered with a line too long to read");
    default:
        throw std::runtime_error(lost + "closed the control connection without an answer (it may be stopping)");
    }
    try {
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr answer = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        if (answer && answer->has("ok")) {
            return answer;
        }
    } catch (const std::exception&) {
    } catch (...) {
    }
    throw std::runtime_error(lost + "answered something that is not a control answer");
}

}  // namespace rtmtap
