#include "ReplayServer.h"

#include <chrono>

namespace rtmtap {

void compareCommands(const ReplayPlan& plan, ReplayResult& result) {
    result.expected.clear();
    std::vector<std::string> recorded, live;
    for (const PlannedCommand& c : plan.commands) {
        result.expected.push_back({c.key, c.offsetUs, c.frame->seq});
        recorded.push_back(c.key.describe());
    }
    for (const ReplayCommand& c : result.commands) {
        live.push_back(c.key.describe());
    }
    result.diff = diffSequences(recorded, live);
}

ReplayServer::ReplayServer(const ReplayPlan& plan, ReplayServerConfig config, StepGate* gate, ResultHandler onResult,
                           const Clock& clock)
    : plan_(plan), config_(std::move(config)), gate_(gate), onResult_(std::move(onResult)), clock_(clock) {
    WsServerOptions options;
    options.host = config_.host;
    options.port = config_.port;
    options.autoPong = true;  // a client's own protocol ping gets its pong, as from any server
    options.echoClose = true;
    options.tap = config_.tap;
    options.sessionId = config_.sessionId;
    server_ = std::make_unique<WsServer>(options, [this](SessionInfo& info) { return admit(info); }, clock_);
}

ReplayServer::~ReplayServer() {
    stop();
}

void ReplayServer::start() {
    server_->start();
}

void ReplayServer::stop() {
    server_->stop();
}

std::string ReplayServer::url() const {
    return server_->url();
}

uint16_t ReplayServer::port() const {
    return server_->port();
}

std::shared_ptr<WsHandler> ReplayServer::admit(SessionInfo& info) {
    int client = 0;
    {
        std::lock_guard lock(mutex_);
        if ((config_.expect && clients_ > 0) || done_) {
            return nullptr;  // --expect serves one client
        }
        client = ++clients_;
    }
    info.replay_of = config_.replayOf;
    info.upstream = "replay of " + config_.describe;
    return std::make_shared<ReplaySession>(
        client, plan_, config_.serve, clock_, gate_, [this](ReplayResult r) { finished(std::move(r)); },
        [this] { quit(); });
}

void ReplayServer::finished(ReplayResult result) {
    if (config_.expect) {
        compareCommands(plan_, result);
    }
    if (onResult_) {
        onResult_(result);
    }
    std::lock_guard lock(mutex_);
    results_.push_back(std::move(result));
    if (config_.expect) {
        done_ = true;
    }
    changed_.notify_all();
}

void ReplayServer::quit() {
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
}

bool ReplayServer::waitDone(int timeoutMs) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return done_; });
    return done_;
}

std::vector<ReplayResult> ReplayServer::results() const {
    std::lock_guard lock(mutex_);
    return results_;
}

}  // namespace rtmtap
