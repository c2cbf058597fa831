#include "SimConnection.h"

#include "SimServer.h"
#include "protocol/Catalogue.h"

#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>

#include <optional>

namespace rtmtap {
namespace {

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

SimConnection::SimConnection(SimServer& server, SimWorld& world, const SimJwt& jwt)
    : server_(server), world_(world), jwt_(jwt) {}

void SimConnection::onOpen(WsConnection& conn) {
    conn_ = conn.shared_from_this();
    server_.attach(shared_from_this());
}

void SimConnection::onMessage(WsConnection& conn, const Message& message) {
    if (message.op == Opcode::Pong) {
        awaitingPong_ = false;
    } else if (message.op == Opcode::Text || message.op == Opcode::Binary) {
        // Binary frames holding JSON are taken like text, as the real server does.
        if (!dispatch(message.payload)) {
            conn.drop();
        }
    }
    // Pings and close frames: the WsServer answers them (autoPong, echoClose).
}

void SimConnection::onClose(WsConnection& /*conn*/, const WsEnd& /*end*/) {
    server_.detach(shared_from_this());
    if (int64_t user = userId_.exchange(0)) {
        server_.deliver(world_.disconnect(user));
    }
}

bool SimConnection::send(const std::string& frame) {
    return conn_->sendText(frame);
}

std::string SimConnection::fingerPrint() const {
    std::lock_guard lock(fingerPrintMutex_);
    return fingerPrint_;
}

void SimConnection::tick(int64_t nowUnix) {
    const bool expired = userId_ != 0 && expiry_ <= nowUnix;
    if (awaitingPong_.exchange(true) || expired) {
        conn_->drop();
        return;
    }
    conn_->send(Opcode::Ping, "rtmtap");
}

bool SimConnection::dispatch(const std::string& text) {
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
        return send(R"({"event":"pong"})");
    }
    const CatalogueEntry* entry = findCatalogueEntry(command, Direction::ClientToServer);
    if (!entry || entry->flavour == Flavour::Internal) {
        return false;  // missing, unknown or internal command
    }
    if (command == "ws_auth") {
        return authenticate(stringField(obj, "auth_token"));
    }
    if (userId_ == 0) {
        // The document says: terminated. The real server ignores it silently.
        return world_.flavor() == SimFlavor::Real;
    }
    runCommand(command, obj);
    return true;
}

bool SimConnection::authenticate(const std::string& token) {
    SimClaims claims;
    if (jwt_.verify(token, world_.nowUnix(), &claims) != JwtCheck::Ok || !world_.user(claims.userId)) {
        return false;
    }
    expiry_ = claims.expiry;
    {
        std::lock_guard lock(fingerPrintMutex_);
        fingerPrint_ = claims.fingerPrint;
    }
    const int64_t previous = userId_.exchange(claims.userId);
    if (previous == claims.userId) {
        return true;  // a token refresh
    }
    if (previous != 0) {
        server_.deliver(world_.disconnect(previous));
    }
    // The new socket hears its own user.online, as with the real server.
    server_.deliver(world_.connect(claims.userId));
    return true;
}

void SimConnection::runCommand(const std::string& command, const Poco::JSON::Object& obj) {
    const int64_t user = userId_;
    const int64_t channel = idField(obj, "channel_id").value_or(0);
    const int64_t message = idField(obj, "message_id").value_or(0);
    // A malformed payload gives no event: the real backend drops it silently.
    if (command == "ws_ephemeral_typing") {
        server_.deliver(world_.typing(user, channel));
    } else if (command == "ws_read_notification") {
        server_.deliver(world_.readMessage(user, channel, message));
    } else if (command == "ws_all_read_notification") {
        server_.deliver(world_.readAll(user, channel));
    } else if (command == "ws_add_reaction" || command == "ws_remove_reaction") {
        server_.deliver(world_.react(user, message, stringField(obj, "emoji_value"), command == "ws_add_reaction"));
    }
}

}  // namespace rtmtap
