#pragma once
// The controller's side of an intercepting connection (control/InterceptConnection.h has the
// protocol): starts intercepting, then a reader thread takes every line as it comes, so that the
// proxy never waits on this process while its user is in an editor, and keeps the events in
// order for the caller; requests wait for their answer. Closing it (or this process dying) makes
// the proxy forward every frame still held.
#include "ControlClient.h"

#include <Poco/JSON/Object.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap {

class InterceptClient {
public:
    // Connects to the proxy of dbPath (ControlClient's errors: NoProxyRunning, ...) and asks it
    // to intercept; throws std::runtime_error with the proxy's one-line refusal.
    InterceptClient(const std::string& dbPath, const std::string& matchJson, int holdMs);
    ~InterceptClient();  // close()
    InterceptClient(const InterceptClient&) = delete;
    InterceptClient& operator=(const InterceptClient&) = delete;

    // Readable when an event or the end of the connection came: poll it beside stdin. Drained
    // by takeEvents().
    int wakeFd() const { return wake_[0]; }
    std::vector<Poco::JSON::Object::Ptr> takeEvents();
    // The proxy closed the connection (it stopped, or was killed).
    bool ended() const;

    // Sends a request and waits for its answer (events that come meanwhile are kept). Throws
    // std::runtime_error (one line) when the proxy goes away or does not answer in time.
    Poco::JSON::Object::Ptr request(const std::string& json);

    // Ends the connection (the proxy forwards what it holds). Idempotent.
    void close();

private:
    void readLoop();
    void wake();

    ControlClient client_;
    int wake_[2] = {-1, -1};
    std::thread reader_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Poco::JSON::Object::Ptr> events_;
    std::deque<Poco::JSON::Object::Ptr> answers_;
    bool ended_ = false;
    bool closed_ = false;
};

}  // namespace rtmtap
