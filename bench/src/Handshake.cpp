#include "Handshake.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace rtmtap::bench {

namespace {

const char kGuid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

uint32_t rol(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

void sha1Block(uint32_t h[5], const uint8_t* block) {
    uint32_t w[80];
    for (int i = 0; i < 16; ++i) {
        w[i] = (uint32_t(block[4 * i]) << 24) | (uint32_t(block[4 * i + 1]) << 16) |
               (uint32_t(block[4 * i + 2]) << 8) | block[4 * i + 3];
    }
    for (int i = 16; i < 80; ++i) {
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5A827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8F1BBCDC;
        } else {
            f = b ^ c ^ d;
            k = 0xCA62C1D6;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

std::string lower(std::string s) {
    for (auto& c : s) {
        c = char(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Header value by case-insensitive name ("" when absent).
std::string header(const std::string& head, const std::string& name) {
    std::string want = lower(name);
    size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
        size_t start = pos + 2;
        size_t end = head.find("\r\n", start);
        if (end == std::string::npos || end == start) {
            break;
        }
        std::string line = head.substr(start, end - start);
        size_t colon = line.find(':');
        if (colon != std::string::npos && lower(trim(line.substr(0, colon))) == want) {
            return trim(line.substr(colon + 1));
        }
        pos = end;
    }
    return std::string();
}

}  // namespace

std::string base64(const std::string& bytes, bool urlSafe) {
    const char* table = urlSafe ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                                : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    size_t rest = bytes.size() - i;
    if (rest > 0) {
        uint32_t v = uint8_t(bytes[i]) << 16;
        if (rest == 2) {
            v |= uint8_t(bytes[i + 1]) << 8;
        }
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        if (rest == 2) {
            out += table[(v >> 6) & 63];
        }
        if (!urlSafe) {
            out += rest == 2 ? "=" : "==";
        }
    }
    return out;
}

std::string sha1(const std::string& bytes) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    std::string msg = bytes;
    uint64_t bits = uint64_t(bytes.size()) * 8;
    msg.push_back(char(0x80));
    while (msg.size() % 64 != 56) {
        msg.push_back('\0');
    }
    for (int i = 7; i >= 0; --i) {
        msg.push_back(char(bits >> (8 * i)));
    }
    for (size_t off = 0; off < msg.size(); off += 64) {
        sha1Block(h, reinterpret_cast<const uint8_t*>(msg.data() + off));
    }
    std::string out;
    for (uint32_t v : h) {
        for (int s = 24; s >= 0; s -= 8) {
            out.push_back(char(v >> s));
        }
    }
    return out;
}

std::string acceptKey(const std::string& clientKey) { return base64(sha1(clientKey + kGuid)); }

bool parseWsUrl(const std::string& url, WsUrl& out, std::string& error) {
    const std::string scheme = "ws://";
    if (url.compare(0, scheme.size(), scheme) != 0) {
        error = "URL must start with ws:// (got '" + url + "')";
        return false;
    }
    std::string rest = url.substr(scheme.size());
    size_t slash = rest.find_first_of("/?");
    std::string authority = rest.substr(0, slash);
    out.target = slash == std::string::npos ? "/" : rest.substr(slash);
    if (!out.target.empty() && out.target[0] == '?') {
        out.target = "/" + out.target;
    }
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    out.port = 80;
    if (colon != std::string::npos) {
        char* end = nullptr;
        long port = std::strtol(authority.c_str() + colon + 1, &end, 10);
        if (*end != '\0' || port <= 0 || port > 65535) {
            error = "bad port in '" + url + "'";
            return false;
        }
        out.port = int(port);
    }
    if (out.host.empty()) {
        error = "no host in '" + url + "'";
        return false;
    }
    return true;
}

std::string upgradeRequest(const WsUrl& url, const std::string& key) {
    return "GET " + url.target + " HTTP/1.1\r\nHost: " + url.host + ":" + std::to_string(url.port) +
           "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key +
           "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: rtmtap-bench/1\r\n"
           "Origin: http://127.0.0.1\r\n\r\n";
}

size_t headEnd(const char* data, size_t len) {
    for (size_t i = 3; i < len; ++i) {
        if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r') {
            return i + 1;
        }
    }
    return 0;
}

bool parseUpgradeRequest(const std::string& head, UpgradeRequest& out, std::string& error) {
    size_t lineEnd = head.find("\r\n");
    std::string line = head.substr(0, lineEnd);
    size_t sp1 = line.find(' ');
    size_t sp2 = line.rfind(' ');
    if (line.compare(0, 4, "GET ") != 0 || sp2 == sp1 || line.compare(sp2 + 1, 5, "HTTP/") != 0) {
        error = "not a GET request";
        return false;
    }
    out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    out.key = header(head, "Sec-WebSocket-Key");
    if (out.key.empty() || lower(header(head, "Upgrade")) != "websocket") {
        error = "not a WebSocket upgrade";
        return false;
    }
    std::string protocols = header(head, "Sec-WebSocket-Protocol");
    out.protocol = trim(protocols.substr(0, protocols.find(',')));
    return true;
}

std::string upgradeResponse(const UpgradeRequest& request) {
    std::string r = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: " + acceptKey(request.key) + "\r\n";
    if (!request.protocol.empty()) {
        r += "Sec-WebSocket-Protocol: " + request.protocol + "\r\n";
    }
    return r + "\r\n";
}

bool checkUpgradeResponse(const std::string& head, const std::string& key, std::string& error) {
    size_t lineEnd = head.find("\r\n");
    std::string line = head.substr(0, lineEnd);
    if (line.compare(0, 12, "HTTP/1.1 101") != 0) {
        error = "upgrade refused: " + line;
        return false;
    }
    if (header(head, "Sec-WebSocket-Accept") != acceptKey(key)) {
        error = "wrong Sec-WebSocket-Accept";
        return false;
    }
    return true;
}

long queryNumber(const std::string& target, const std::string& name, long fallback) {
    size_t q = target.find('?');
    if (q == std::string::npos) {
        return fallback;
    }
    std::string query = "&" + target.substr(q + 1);
    size_t at = query.find("&" + name + "=");
    if (at == std::string::npos) {
        return fallback;
    }
    const char* start = query.c_str() + at + name.size() + 2;
    char* end = nullptr;
    long v = std::strtol(start, &end, 10);
    return end == start ? fallback : v;
}

}  // namespace rtmtap::bench
