#include "ProxyHarness.h"

#include "ReadConnection.h"

#include "proxy/UpstreamUrl.h"

#include <sqlite3.h>

#include <stdexcept>

namespace rtmtap::test {

namespace {

std::optional<int64_t> optInt(sqlite3_stmt* stmt, int col) {
    if (sqlite3_column_type(stmt, col) == SQLITE_NULL) {
        return std::nullopt;
    }
    return sqlite3_column_int64(stmt, col);
}

int64_t intOr(sqlite3_stmt* stmt, int col, int64_t fallback) {
    return optInt(stmt, col).value_or(fallback);
}

const char* const kSessionColumns =
    "id, started_us, ended_us, duration_us, client, upstream, path, subprotocol, headers, http_status, "
    "user_id, user_name, client_ip, user_agent, token_expiry, finger_print, auth_token, claims, "
    "close_code, close_reason, closed_by, error";

SessionRecord readSession(sqlite3_stmt* s) {
    SessionRecord r;
    r.id = sqlite3_column_int64(s, 0);
    r.started_us = optInt(s, 1);
    r.ended_us = optInt(s, 2);
    r.duration_us = optInt(s, 3);
    r.client = columnText(s, 4);
    r.upstream = columnText(s, 5);
    r.path = columnText(s, 6);
    r.subprotocol = columnText(s, 7);
    r.headers = columnText(s, 8);
    r.http_status = optInt(s, 9);
    r.user_id = optInt(s, 10);
    r.user_name = columnText(s, 11);
    r.client_ip = columnText(s, 12);
    r.user_agent = columnText(s, 13);
    r.token_expiry = columnText(s, 14);
    r.finger_print = columnText(s, 15);
    r.auth_token = columnText(s, 16);
    r.claims = columnText(s, 17);
    r.close_code = optInt(s, 18);
    r.close_reason = columnText(s, 19);
    r.closed_by = columnText(s, 20);
    r.error = columnText(s, 21);
    return r;
}

FrameRecord readFrame(sqlite3_stmt* s) {
    FrameRecord f;
    f.session = sqlite3_column_int64(s, 0);
    f.seq = sqlite3_column_int64(s, 1);
    f.dir = intOr(s, 2, -1);
    f.op = intOr(s, 3, -1);
    f.flags = intOr(s, 4, 0);
    f.t_us = intOr(s, 5, 0);
    f.fwd_us = intOr(s, 6, -1);
    f.wall_us = intOr(s, 7, 0);
    f.size = intOr(s, 8, -1);
    f.kind = optInt(s, 9);
    f.name = columnText(s, 10);
    f.channel_id = optInt(s, 11);
    f.message_id = optInt(s, 12);
    f.user_id = optInt(s, 13);
    f.payload = columnText(s, 14);
    return f;
}

}  // namespace

std::string describe(const FrameRecord& f) {
    std::string out = "session=" + std::to_string(f.session) + " seq=" + std::to_string(f.seq) +
                      " dir=" + std::to_string(f.dir) + " op=" + std::to_string(f.op) +
                      " flags=" + std::to_string(f.flags) + " size=" + std::to_string(f.size) +
                      " t_us=" + std::to_string(f.t_us) + " fwd_us=" + std::to_string(f.fwd_us);
    if (f.payload.size() <= 60) {
        out += " payload='" + f.payload + "'";
    }
    return out;
}

ProxyHarness::ProxyHarness(const std::string& upstreamUrl, const std::function<void(ProxyConfig&)>& configure,
                           const std::function<void(RecorderOptions&)>& configureRecorder)
    : ProxyHarness(Route::Reverse, upstreamUrl, configure, configureRecorder) {}

ProxyHarness::ProxyHarness(Route route, const std::string& upstreamUrl,
                           const std::function<void(ProxyConfig&)>& configure,
                           const std::function<void(RecorderOptions&)>& configureRecorder)
    : route_(route), dbPath_(dir_.file("rtmtap.db")) {
    config_.listenHost = "127.0.0.1";
    config_.listenPort = 0;
    if (route == Route::Reverse) {
        config_.upstream = upstreamUrl;
    } else {
        const UpstreamUrl origin = UpstreamUrl::parse(upstreamUrl);
        if (!origin.basePath.empty() || !origin.baseQuery.empty() || origin.tls) {
            throw std::invalid_argument("ProxyHarness: a client names a plain ws://host:port, not " + upstreamUrl);
        }
        config_.mode = ProxyMode::Regular;
        originHost_ = origin.host;
        originPort_ = origin.port;
    }
    config_.connectTimeoutMs = 5000;
    config_.handshakeTimeoutMs = 5000;
    config_.closeGraceMs = 1000;
    config_.loops = 2;
    if (configure) {
        configure(config_);
    }
    RecorderOptions options;
    options.dbPath = dbPath_;
    if (configureRecorder) {
        configureRecorder(options);
    }
    recorder_ = std::make_unique<Recorder>(options);
    proxy_ = std::make_unique<Proxy>(config_, std::vector<Tap*>{recorder_.get(), &log_}, recorder_->nextSessionId());
    proxy_->start();
    port_ = proxy_->port();
}

ClientRoute ProxyHarness::route() const {
    return ClientRoute{route_, port_, originHost_, originPort_};
}

ProxyHarness::~ProxyHarness() {
    try {
        stop();
    } catch (...) {
        // Destructors do not throw; a test that cares calls stop() itself.
    }
}

void ProxyHarness::stop() {
    if (stopped_) {
        return;
    }
    stopped_ = true;
    proxy_->stop();
    recorder_->close();
}

std::vector<SessionRecord> ProxyHarness::sessions() const {
    std::vector<SessionRecord> out;
    ReadConnection db(dbPath_);
    db.each(std::string("SELECT ") + kSessionColumns + " FROM sessions ORDER BY id",
            [&](sqlite3_stmt* s) { out.push_back(readSession(s)); });
    return out;
}

std::optional<SessionRecord> ProxyHarness::session(int64_t id) const {
    std::optional<SessionRecord> out;
    ReadConnection db(dbPath_);
    db.each(std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE id = " + std::to_string(id),
            [&](sqlite3_stmt* s) { out = readSession(s); });
    return out;
}

std::vector<FrameRecord> ProxyHarness::readFrames(const std::string& where) const {
    std::vector<FrameRecord> out;
    ReadConnection db(dbPath_);
    db.each("SELECT f.session, f.seq, f.dir, f.op, f.flags, f.t_us, f.fwd_us, f.wall_us, f.size, f.kind, "
            "n.name, f.channel_id, f.message_id, f.user_id, f.payload "
            "FROM frames f LEFT JOIN names n ON n.id = f.name_id " +
                where + " ORDER BY f.session, f.seq",
            [&](sqlite3_stmt* s) { out.push_back(readFrame(s)); });
    return out;
}

std::vector<FrameRecord> ProxyHarness::frames(int64_t session) const {
    return readFrames("WHERE f.session = " + std::to_string(session));
}

std::vector<FrameRecord> ProxyHarness::allFrames() const {
    return readFrames("");
}

int64_t ProxyHarness::queryInt(const std::string& sql) const {
    return ReadConnection(dbPath_).integer(sql);
}

std::string ProxyHarness::queryText(const std::string& sql) const {
    return ReadConnection(dbPath_).text(sql);
}

}  // namespace rtmtap::test
