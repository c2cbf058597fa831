#pragma once
// The HTTP/1.1 WebSocket upgrade, both sides, with just enough parsing for the benchmark.
#include <cstddef>
#include <string>

namespace rtmtap::bench {

std::string base64(const std::string& bytes, bool urlSafe = false);
std::string sha1(const std::string& bytes);  // 20 raw bytes
std::string acceptKey(const std::string& clientKey);

struct WsUrl {
    std::string host;
    int port = 80;
    std::string target = "/";  // path and query as sent in the request line
};

// ws://host[:port][/path][?query]; false with error on anything else (wss is not supported).
bool parseWsUrl(const std::string& url, WsUrl& out, std::string& error);

std::string upgradeRequest(const WsUrl& url, const std::string& key);

// Position just past "\r\n\r\n" in data[0, len), or 0 when the head is not complete yet.
size_t headEnd(const char* data, size_t len);

struct UpgradeRequest {
    std::string target;
    std::string key;
    std::string protocol;  // first offered subprotocol, echoed back
};

bool parseUpgradeRequest(const std::string& head, UpgradeRequest& out, std::string& error);
std::string upgradeResponse(const UpgradeRequest& request);

// Checks for "101" and the right Sec-WebSocket-Accept.
bool checkUpgradeResponse(const std::string& head, const std::string& key, std::string& error);

// Value of name=... in the query part of target, or fallback.
long queryNumber(const std::string& target, const std::string& name, long fallback);

}  // namespace rtmtap::bench
