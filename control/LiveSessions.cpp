#include "LiveSessions.h"

#include "protocol/Classifier.h"
#include "protocol/JwtClaims.h"

#include <algorithm>
#include <string_view>

namespace rtmtap {
namespace {

// The user a ws_auth command's token names, as the store finds it (store/FrameWriter::applyAuth).
void readAuth(const Message& message, LiveSession& session) {
    // Cheap test first: this runs on the relay thread for each client frame until a user is known.
    if (message.payload.find("ws_auth") == std::string::npos) {
        return;
    }
    Classification index = classify(message.payload);
    if (index.kind != Kind::Command || index.name != "ws_auth" || !index.auth_token_span) {
        return;
    }
    auto [offset, length] = *index.auth_token_span;
    if (offset > message.payload.size() || length > message.payload.size() - offset) {
        return;
    }
    std::optional<JwtClaims> claims = decodeJwtClaims(std::string_view(message.payload).substr(offset, length));
    if (claims && claims->user_id) {
        session.user_id = claims->user_id;
        session.user_name = claims->user_name;
    }
}

}  // namespace

void LiveSessions::onSessionStart(const SessionInfo& info) {
    LiveSession s;
    s.id = info.id;
    s.started_wall_us = info.started_wall_us;
    s.client = info.client;
    s.upstream = info.upstream;
    s.path = info.path;
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_[info.id] = std::move(s);
    highestId_ = std::max(highestId_, info.id);
}

void LiveSessions::onMessage(const Message& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    count(message);
}

void LiveSessions::onMessages(const MessageBatch& batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Message& m : *batch) {
        count(m);
    }
}

void LiveSessions::count(const Message& message) {
    auto it = sessions_.find(message.session);
    if (it == sessions_.end()) {
        return;
    }
    LiveSession& s = it->second;
    if (message.dir == Direction::ClientToServer) {
        ++s.frames_c2s;
        s.bytes_c2s += message.size;
        if (!s.user_id && message.op == Opcode::Text) {
            readAuth(message, s);
        }
    } else {
        ++s.frames_s2c;
        s.bytes_s2c += message.size;
    }
}

void LiveSessions::onSessionEnd(const SessionEnd& end) {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(end.id);
}

std::vector<LiveSession> LiveSessions::list() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<LiveSession> out;
    out.reserve(sessions_.size());
    for (const auto& entry : sessions_) {
        out.push_back(entry.second);
    }
    return out;
}

std::optional<LiveSession> LiveSessions::find(int64_t id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) {
        return std::nullopt;
    }
    return it->second;
}

int64_t LiveSessions::highestId() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return highestId_;
}

}  // namespace rtmtap
