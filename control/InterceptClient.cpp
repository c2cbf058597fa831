#include "InterceptClient.h"

#include "JsonLineChannel.h"
#include "store/JsonObject.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace rtmtap {
namespace {

constexpr auto kAnswerTimeout = std::chrono::seconds(30);

}  // namespace

InterceptClient::InterceptClient(const std::string& dbPath, const std::string& matchJson, int holdMs)
    : client_(dbPath) {
    JsonObject request;
    request.string("cmd", "intercept").raw("match", matchJson).number("hold_timeout_ms", holdMs);
    Poco::JSON::Object::Ptr answer = client_.request(request.str());
    if (!answer->getValue<bool>("ok")) {
        throw std::runtime_error("the proxy refused to intercept: " +
                                 answer->optValue<std::string>("error", "(no reason given)"));
    }
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
        throw std::runtime_error("cannot make a pipe (too many open files?)");
    }
    client_.channel().socket().setReceiveTimeout(Poco::Timespan(0));  // frames come when they come
    reader_ = std::thread([this] { readLoop(); });
}

InterceptClient::~InterceptClient() {
    close();
    for (int fd : wake_) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

void InterceptClient::close() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_) {
            return;
        }
        closed_ = true;
    }
    try {
        client_.channel().socket().shutdown();  // the reader sees the end
    } catch (const std::exception&) {
    }
    if (reader_.joinable()) {
        reader_.join();
    }
}

void InterceptClient::readLoop() {
    std::string line;
    while (client_.channel().readLine(line) == JsonLineChannel::Read::Line) {
        Poco::JSON::Object::Ptr object;
        try {
            Poco::JSON::Parser parser;
            object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        } catch (...) {
            continue;  // not ours to judge: a later proxy may send more; an unreadable line is skipped
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            (object->has("event") ? events_ : answers_).push_back(object);
        }
        changed_.notify_all();
        wake();
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ended_ = true;
    }
    changed_.notify_all();
    wake();
}

void InterceptClient::wake() {
    const char byte = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_[1], &byte, 1);  // full: a wake-up is pending anyway
}

std::vector<Poco::JSON::Object::Ptr> InterceptClient::takeEvents() {
    char drain[256];
    while (::read(wake_[0], drain, sizeof drain) > 0) {
    }
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Poco::JSON::Object::Ptr> out(events_.begin(), events_.end());
    events_.clear();
    return out;
}

bool InterceptClient::ended() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ended_;
}

Poco::JSON::Object::Ptr InterceptClient::request(const std::string& json) {
    const std::string lost = "the rtmtap proxy on '" + client_.dbPath() + "' ";
    try {
        client_.channel().writeLine(json);
    } catch (const std::exception& e) {
        throw std::runtime_error(lost + "closed the control connection (it stopped?)");
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (!changed_.wait_for(lock, kAnswerTimeout, [this] { return !answers_.empty() || ended_; })) {
        throw std::runtime_error(lost + "did not answer in time");
    }
    if (answers_.empty()) {
        throw std::runtime_error(lost + "closed the control connection (it stopped?)");
    }
    Poco::JSON::Object::Ptr answer = answers_.front();
    answers_.pop_front();
    return answer;
}

}  // namespace rtmtap
