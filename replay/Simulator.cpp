#include "Simulator.h"


#include <Poco/Net/ServerSocket.h>

#include <chrono>

namespace rtmtap {
namespace {

SimWorldConfig worldConfig(const SimulatorConfig& c) {
    SimWorldConfig w;
    w.seed = c.seed;
    w.users = c.users;
    w.channels = c.channels;
    w.flavor = c.flavor;
    return w;
}

}  // namespace

Simulator::Simulator(const SimulatorConfig& config, const Clock& clock)
    : config_(config), world_(worldConfig(config), clock), jwt_(config.secret), chatter_(config.seed * 31 + 7) {
    SimServerConfig ws;
    ws.host = config.wsHost;
    ws.port = config.wsPort;
    ws.pingIntervalMs = config.pingIntervalMs;
    ws.maxConnections = config.maxConnections;
    ws_ = std::make_unique<SimServer>(ws, world_, jwt_);
    api_ = std::make_unique<SimApi>(world_, jwt_, *ws_);
    HttpServiceConfig http;
    http.host = config.apiHost;
    http.port = config.apiPort;
    apiServer_ = std::make_unique<HttpService>(http, [this](auto& req, auto& resp) { api_->handle(req, resp); });
}

Simulator::~Simulator() {
    stop();
}

void Simulator::start() {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) {
        return;
    }
    started_ = true;
    ws_->start();
    apiServer_->start();
    if (config_.chatterPerMinute > 0) {
        chatterThread_ = std::thread([this] { chatterLoop(); });
    }
}

void Simulator::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
    }
    wake_.notify_all();
    if (chatterThread_.joinable()) {
        chatterThread_.join();
    }
    apiServer_->stop();
    ws_->stop();
}

std::string Simulator::apiUrl() const {
    return "http://" + config_.apiHost + ":" + std::to_string(apiServer_->port());
}

std::string Simulator::wsUrl() const {
    return ws_->url();
}

void Simulator::tick() {
    SimOutputs out;
    {
        std::lock_guard lock(chatterMutex_);
        out = chatter_.tick(world_);
    }
    ws_->deliver(out);
}

void Simulator::chatterLoop() {
    const auto period = std::chrono::microseconds(static_cast<int64_t>(60e6 / config_.chatterPerMinute));
    auto due = std::chrono::steady_clock::now() + period;
    std::unique_lock lock(mutex_);
    while (!wake_.wait_until(lock, due, [this] { return stopping_; })) {
        lock.unlock();
        tick();
        lock.lock();
        due += period;
    }
}

}  // namespace rtmtap
