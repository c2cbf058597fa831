#include "TestData.h"

#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <map>

namespace rtmtap::test {

namespace {

// xorshift32: deterministic, so a failing run can be repeated byte for byte.
uint32_t next(uint32_t& state) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

}  // namespace

std::string dataFile(const std::string& name) {
    return std::string(RTMTAP_TEST_DATA) + "/" + name;
}

std::string randomBytes(size_t n, uint32_t seed) {
    std::string out(n, '\0');
    uint32_t state = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<char>(i < 256 ? i : next(state) & 0xff);
    }
    return out;
}

std::string asciiText(size_t n, uint32_t seed) {
    std::string out(n, ' ');
    uint32_t state = seed * 2654435761u + 7;
    for (size_t i = 0; i < n; ++i) {
        out[i] = static_cast<char>(' ' + next(state) % 95);
    }
    return out;
}

std::string base64Url(const std::string& bytes) {
    static const char* const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                     static_cast<uint8_t>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (bytes.size() - i == 1) {
        uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
    } else if (bytes.size() - i == 2) {
        uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
    }
    return out;
}

std::string makeJwt(const std::string& claimsJson, const std::string& signature) {
    return base64Url(R"({"typ":"JWT","alg":"HS256"})") + "." + base64Url(claimsJson) + "." + signature;
}

void expectUnbrokenSeqRuns(const ProxyHarness& harness) {
    std::map<int64_t, int64_t> lastSeq;
    for (const auto& session : harness.sessions()) {
        lastSeq[session.id] = 0;
    }
    for (const auto& f : harness.allFrames()) {
        EXPECT_EQ(lastSeq.count(f.session), 1u) << "frame of an unknown session: " << describe(f);
        int64_t& last = lastSeq[f.session];
        EXPECT_EQ(f.seq, last + 1) << "seq gap or duplicate in session " << f.session << " at " << describe(f);
        last = f.seq;
    }
}

size_t occurrences(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

ApiExchange recordedApiCall(int64_t startedUs, const std::string& method, const std::string& path,
                            const std::string& responseBody) {
    ApiExchange x;
    x.started_wall_us = startedUs;
    x.client = "127.0.0.1:40000";
    x.upstream = "http://127.0.0.1:8080";
    x.method = method;
    x.path = path;
    x.status = 200;
    x.response_headers = {{"Content-Type", "application/json"}};
    x.response_body = responseBody;
    return x;
}

Poco::JSON::Object::Ptr jsonObjectOf(const std::string& text) {
    try {
        auto var = Poco::JSON::Parser().parse(text);
        if (var.type() == typeid(Poco::JSON::Object::Ptr)) {
            return var.extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const std::exception&) {
    }
    return nullptr;
}

}  // namespace rtmtap::test
