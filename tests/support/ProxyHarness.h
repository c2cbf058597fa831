#pragma once
// An in-process proxy for tests: a TempDir, a Recorder on a fresh database and a Proxy on
// 127.0.0.1 port 0 in front of an upstream URL (usually a TestUpstream). A second, in-memory tap
// (TapLog) sees what the relay announces, so a test can wait for a session to end and tell a
// relay bug from a store bug. Rows are read back with the sqlite3 C API.
// With a Route other than Reverse the proxy runs in the regular mode (no --upstream, no CA: plain
// ws only) and route() tells a TestClient to name the upstream through it.
#include "ClientRoute.h"
#include "TapLog.h"
#include "TempDir.h"

#include "proxy/Proxy.h"
#include "store/Recorder.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap::test {

struct SessionRecord {
    int64_t id = 0;
    std::optional<int64_t> started_us, ended_us, duration_us;
    std::string client, upstream, path, subprotocol, headers;
    std::optional<int64_t> http_status, user_id, close_code;
    std::string user_name, client_ip, user_agent, token_expiry, finger_print, auth_token, claims;
    std::string close_reason, closed_by, error;
};

struct FrameRecord {
    int64_t session = 0, seq = 0;
    int64_t dir = -1, op = -1, flags = 0;
    int64_t t_us = 0, fwd_us = 0, wall_us = 0, size = 0;
    std::optional<int64_t> kind;  // 0 other, 1 command, 2 event, 3 control
    std::string name;             // names.name, "" when none
    std::optional<int64_t> channel_id, message_id, user_id;
    std::string payload;
    bool has(uint32_t flag) const { return (static_cast<uint64_t>(flags) & flag) != 0; }
};

std::string describe(const FrameRecord& f);  // one line, for assertion messages

class ProxyHarness {
public:
    // configure runs on the defaults (port 0, short timeouts) before the proxy is built.
    explicit ProxyHarness(const std::string& upstreamUrl,
                          const std::function<void(ProxyConfig&)>& configure = {},
                          const std::function<void(RecorderOptions&)>& configureRecorder = {});
    // upstreamUrl (ws://host:port, no path) is the proxy's --upstream when Reverse, else the origin
    // the clients of route() name.
    ProxyHarness(Route route, const std::string& upstreamUrl, const std::function<void(ProxyConfig&)>& configure = {},
                 const std::function<void(RecorderOptions&)>& configureRecorder = {});
    ~ProxyHarness();  // stop()
    ProxyHarness(const ProxyHarness&) = delete;
    ProxyHarness& operator=(const ProxyHarness&) = delete;

    uint16_t port() const { return port_; }
    ClientRoute route() const;  // for TestClient: how to reach the upstream through this proxy
    Proxy& proxy() { return *proxy_; }
    Recorder& recorder() { return *recorder_; }
    TapLog& log() { return log_; }
    const std::string& dbPath() const { return dbPath_; }
    const ProxyConfig& config() const { return config_; }

    // Waits until the relay has announced n session ends.
    bool waitForEnds(size_t n, int timeoutMs = 10000) { return log_.waitForEnds(n, timeoutMs); }
    // Proxy::stop() then Recorder::close(): afterwards every record is in the database. Idempotent.
    void stop();

    // Read the database (call stop() first to see everything).
    std::vector<SessionRecord> sessions() const;
    std::optional<SessionRecord> session(int64_t id) const;
    std::vector<FrameRecord> frames(int64_t session) const;  // in seq order
    std::vector<FrameRecord> allFrames() const;              // by session, seq
    // A single integer from any SQL (e.g. "PRAGMA integrity_check" needs text: use queryText).
    int64_t queryInt(const std::string& sql) const;
    std::string queryText(const std::string& sql) const;

private:
    std::vector<FrameRecord> readFrames(const std::string& where) const;

    TempDir dir_;
    Route route_;
    std::string originHost_;  // regular mode: the upstream the clients name
    uint16_t originPort_ = 0;
    std::string dbPath_;
    ProxyConfig config_;
    TapLog log_;
    std::unique_ptr<Recorder> recorder_;
    std::unique_ptr<Proxy> proxy_;
    uint16_t port_ = 0;
    bool stopped_ = false;
};

}  // namespace rtmtap::test
