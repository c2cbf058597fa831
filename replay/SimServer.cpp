#include "SimServer.h"

#include "SimHttpFactory.h"
#include "protocol/Catalogue.h"

#include <Poco/Buffer.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/NumberParser.h>

#include <chrono>

namespace rtmtap {
namespace {

using Poco::Net::WebSocket;
constexpr int kMaxMessage = 1 << 20;  // no RTM message comes near this; bounds memory per client

// A command's id: a number or a digit string ("11010000", as the document's examples send them).
std::optional<int64_t> idField(const Poco::JSON::Object& obj, const std::string& name) {
    if (!obj.has(name)) {
        return std::nullopt;
    }
    const Poco::Dynamic::Var value = obj.get(name);
    Poco::Int64 out = 0;
    if (value.isString() && Poco::NumberParser::tryParse64(value.extract<std::string>(), out)) {
        return out;
    }
    if (value.isInteger()) {
        return value.convert<Poco::Int64>();
    }
    return std::nullopt;
}

std::string stringField(const Poco::JSON::Object& obj, const std::string& name) {
    if (!obj.has(name) || !obj.get(name).isString()) {
        return "";
    }
    return obj.get(name).extract<std::string>();
}

}  // namespace

SimServer::SimServer(const SimServerConfig& config, SimWorld& world, const SimJwt& jwt)
    : config_(config), world_(world), jwt_(jwt) {
    Poco::Net::ServerSocket socket = listenOn(config.host, config.port, 128);
    port_ = socket.address().port();
    // Each client keeps its pooled thread for its whole life: size the pool for the clients.
    pool_ = std::make_unique<Poco::ThreadPool>(2, config.maxConnections + 4, 60, 256 * 1024);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config.maxConnections);
    params->setMaxQueued(256);
    auto factory = new SimHttpFactory([this](auto& req, auto& resp) { handle(req, resp); });
    server_ = std::make_unique<Poco::Net::HTTPServer>(factory, *pool_, socket, params);
}

Poco::Net::ServerSocket SimServer::listenOn(const std::string& host, uint16_t port, int backlog) {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(host, port), true, false);
    socket.listen(backlog);
    return socket;
}

SimServer::~SimServer() {
    stop();
}

void SimServer::start() {
    std::lock_guard lock(mutex_);
    if (started_) {
        return;
    }
    started_ = true;
    server_->start();
    pinger_ = std::thread([this] { pingLoop(); });
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
    server_->stop();
    {
        std::lock_guard lock(mutex_);
        for (const auto& conn : connections_) {
            conn->drop();
        }
    }
    pool_->joinAll();
}

std::string SimServer::url() const {
    return "ws://" + config_.host + ":" + std::to_string(port_);
}

size_t SimServer::connectionCount() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

void SimServer::deliver(const SimOutputs& outputs) {
    std::vector<std::shared_ptr<SimConnection>> conns;
    {
        std::lock_guard lock(mutex_);
        conns.assign(connections_.begin(), connections_.end());
    }
    for (const auto& out : outputs) {
        for (const auto& conn : conns) {
            const int64_t user = conn->userId.load();
            if (user != 0 && std::find(out.to.begin(), out.to.end(), user) != out.to.end()) {
                conn->send(out.frame);
            }
        }
    }
}

void SimServer::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    std::shared_ptr<SimConnection> conn;
    try {
        // Like the real server: any path, and the first requested subprotocol is echoed.
        const std::string protocols = request.get("Sec-WebSocket-Protocol", "");
        if (!protocols.empty()) {
            response.set("Sec-WebSocket-Protocol", protocols.substr(0, protocols.find(',')));
        }
        WebSocket ws(request, response);
        ws.setMaxPayloadSize(kMaxMessage);
        ws.setReceiveTimeout(Poco::Timespan(24 * 3600, 0));
        conn = std::make_shared<SimConnection>(ws);
    } catch (const Poco::Exception&) {
        if (!response.sent()) {
            response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
            response.setContentLength(0);
            response.send();
        }
        return;
    }
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        connections_.insert(conn);
    }
    serve(conn);
    {
        std::lock_guard lock(mutex_);
        connections_.erase(conn);
    }
    conn->drop();
    if (int64_t user = conn->userId.exchange(0)) {
        deliver(world_.disconnect(user));
    }
}

void SimServer::serve(const std::shared_ptr<SimConnection>& conn) {
    Poco::Buffer<char> buffer(0);
    std::string message;
    try {
        for (;;) {
            int flags = 0;
            buffer.resize(0);
            int n = conn->socket().receiveFrame(buffer, flags);
            const int op = flags & WebSocket::FRAME_OP_BITMASK;
            if (n == 0 && flags == 0) {
                return;  // EOF
            }
            if (op == WebSocket::FRAME_OP_CLOSE) {
                conn->send(std::string(buffer.begin(), buffer.size()), WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CLOSE);
                return;
            }
            if (op == WebSocket::FRAME_OP_PING) {
                conn->send(std::string(buffer.begin(), buffer.size()), WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PONG);
                continue;
            }
            if (op == WebSocket::FRAME_OP_PONG) {
                conn->awaitingPong = false;
                continue;
            }
            message.append(buffer.begin(), buffer.size());
            if (message.size() > static_cast<size_t>(kMaxMessage)) {
                return;
            }
            if (flags & WebSocket::FRAME_FLAG_FIN) {
                if (!dispatch(*conn, message)) {
                    return;
                }
                message.clear();
            }
        }
    } catch (const Poco::TimeoutException&) {
        return;  // a day without a frame, and the pings were answered: let it go
    } catch (const std::exception&) {
        return;  // a broken frame or a reset: the connection is over
    }
}

bool SimServer::dispatch(SimConnection& conn, const std::string& text) {
    Poco::Dynamic::Var json;
    try {
        json = Poco::JSON::Parser().parse(text);
    } catch (const std::exception&) {
        return false;  // invalid JSON
    }
    if (json.type() != typeid(Poco::JSON::Object::Ptr)) {
        return false;  // null, an array, a number...
    }
    const auto& obj = *json.extract<Poco::JSON::Object::Ptr>();
    const std::string command = stringField(obj, "command");
    if (command == "ws_ping") {
        return conn.send(R"({"event":"pong"})");
    }
    const CatalogueEntry* entry = findCatalogueEntry(command, Direction::ClientToServer);
    if (!entry || entry->flavour == Flavour::Internal) {
        return false;  // missing, unknown or internal command
    }
    if (command == "ws_auth") {
        return authenticate(conn, stringField(obj, "auth_token"));
    }
    if (conn.userId == 0) {
        // The document says: terminated. The real server ignores it silently.
        return world_.flavor() == SimFlavor::Real;
    }
    runCommand(conn, command, json);
    return true;
}

bool SimServer::authenticate(SimConnection& conn, const std::string& token) {
    SimClaims claims;
    if (jwt_.verify(token, world_.nowUnix(), &claims) != JwtCheck::Ok || !world_.user(claims.userId)) {
        return false;
    }
    conn.expiry = claims.expiry;
    const int64_t previous = conn.userId.exchange(claims.userId);
    if (previous == claims.userId) {
        return true;  // a token refresh
    }
    if (previous != 0) {
        deliver(world_.disconnect(previous));
    }
    // The new socket hears its own user.online, as with the real server.
    deliver(world_.connect(claims.userId));
    return true;
}

void SimServer::runCommand(SimConnection& conn, const std::string& command, const Poco::Dynamic::Var& json) {
    const auto& obj = *json.extract<Poco::JSON::Object::Ptr>();
    const int64_t user = conn.userId;
    const int64_t channel = idField(obj, "channel_id").value_or(0);
    const int64_t message = idField(obj, "message_id").value_or(0);
    // A malformed payload gives no event: the real backend drops it silently.
    if (command == "ws_ephemeral_typing") {
        deliver(world_.typing(user, channel));
    } else if (command == "ws_read_notification") {
        deliver(world_.readMessage(user, channel, message));
    } else if (command == "ws_all_read_notification") {
        deliver(world_.readAll(user, channel));
    } else if (command == "ws_add_reaction" || command == "ws_remove_reaction") {
        deliver(world_.react(user, message, stringField(obj, "emoji_value"), command == "ws_add_reaction"));
    }
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
    std::vector<std::shared_ptr<SimConnection>> conns;
    {
        std::lock_guard lock(mutex_);
        conns.assign(connections_.begin(), connections_.end());
    }
    const int64_t now = world_.nowUnix();
    for (const auto& conn : conns) {
        const bool expired = conn->userId != 0 && conn->expiry <= now;
        if (conn->awaitingPong.exchange(true) || expired) {
            conn->drop();
            continue;
        }
        conn->send("rtmtap", WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PING);
    }
}

}  // namespace rtmtap
