#include "SimServer.h"

#include <algorithm>
#include <chrono>

namespace rtmtap {
namespace {

constexpr size_t kMaxMessage = 1 << 20;  // no RTM message comes near this; bounds memory per client

}  // namespace

SimServer::SimServer(const SimServerConfig& config, SimWorld& world, const SimJwt& jwt)
    : config_(config), world_(world), jwt_(jwt) {
    WsServerOptions options;
    options.host = config.host;
    options.port = config.port;
    options.maxConnections = config.maxConnections;
    options.maxMessage = kMaxMessage;
    options.autoPong = true;
    options.echoClose = true;
    ws_ = std::make_unique<WsServer>(options, [this](SessionInfo&) {
        return std::make_shared<SimConnection>(*this, world_, jwt_);
    });
}

SimServer::~SimServer() {
    stop();
}

void SimServer::start() {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) {
        return;
    }
    started_ = true;
    ws_->start();
    if (config_.pingIntervalMs > 0) {
        pinger_ = std::thread([this] { pingLoop(); });
    }
}

void SimServer::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    wake_.notify_all();
    if (pinger_.joinable()) {
        pinger_.join();
    }
    ws_->stop();
}

size_t SimServer::connectionCount() const {
    std::lock_guard lock(mutex_);
    return clients_.size();
}

void SimServer::attach(const std::shared_ptr<SimConnection>& client) {
    std::lock_guard lock(mutex_);
    clients_.insert(client);
}

void SimServer::detach(const std::shared_ptr<SimConnection>& client) {
    std::lock_guard lock(mutex_);
    clients_.erase(client);
}

std::vector<std::shared_ptr<SimConnection>> SimServer::clients() const {
    std::lock_guard lock(mutex_);
    return {clients_.begin(), clients_.end()};
}

void SimServer::deliver(const SimOutputs& outputs) {
    const auto clients = this->clients();
    for (const auto& out : outputs) {
        for (const auto& client : clients) {
            const int64_t user = client->userId();
            if (user != 0 && std::find(out.to.begin(), out.to.end(), user) != out.to.end()) {
                client->send(out.frame);
            }
        }
    }
}

size_t SimServer::deliverToConnection(int64_t userId, const std::string& fingerPrint, const std::string& frame) {
    size_t sent = 0;
    for (const auto& client : clients()) {
        if (userId != 0 && client->userId() == userId && client->fingerPrint() == fingerPrint) {
            sent += client->send(frame) ? 1 : 0;
        }
    }
    return sent;
}

void SimServer::pingLoop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto due = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.pingIntervalMs);
        if (wake_.wait_until(lock, due, [this] { return stopping_; })) {
            return;
        }
        lock.unlock();
        pingAll();
        lock.lock();
    }
}

// One timer for all sockets, as the real server: a client gets its first ping 0..interval after
// connecting and is dropped at the next tick if it has not answered.
void SimServer::pingAll() {
    const int64_t now = world_.nowUnix();
    for (const auto& client : clients()) {
        client->tick(now);
    }
}

}  // namespace rtmtap
