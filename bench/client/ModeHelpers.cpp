#include "Modes.h"

#include <algorithm>
#include <cstdio>

namespace rtmtap::bench {

std::string benchCommand(long size, long seq) {
    std::string head = "{\"command\":\"ws_ephemeral_typing\",\"user_email\":\"bench@test.com\",\"channel_id\":11010004,"
                       "\"seq\":" + std::to_string(seq) + ",\"pad\":\"";
    std::string tail = "\"}";
    long pad = std::max(0L, size - long(head.size() + tail.size()));
    return head + std::string(size_t(pad), 'p') + tail;
}

std::string jwtLikeToken(long index) {
    std::string header = base64("{\"typ\":\"JWT\",\"alg\":\"HS256\"}", true);
    std::string claims = "{\"user_id\":" + std::to_string(91010000 + index) + ",\"user_name\":\"bench" +
                         std::to_string(index) + "\",\"client_ip\":\"127.0.0.1\",\"user_agent\":\"rtmtap-bench\\/1\","
                         "\"expiry\":\"2030-01-01 00:00:00\",\"finger_print\":\"bench" + std::to_string(index) + "\"}";
    std::string signature = base64(sha1("bench-secret-" + std::to_string(index)) + "0123456789ab", true);
    return header + "." + base64(claims, true) + "." + signature;
}

int64_t percentile(std::vector<int64_t>& sortedSamples, double p) {
    if (sortedSamples.empty()) {
        return 0;
    }
    size_t i = size_t(p / 100.0 * double(sortedSamples.size() - 1) + 0.5);
    return sortedSamples[std::min(i, sortedSamples.size() - 1)];
}

std::string latencySummary(std::vector<int64_t>& samples, const std::string& prefix) {
    std::sort(samples.begin(), samples.end());
    const char* p = prefix.c_str();
    char line[256];
    std::snprintf(line, sizeof line, "%sp50_us=%lld %sp90_us=%lld %sp99_us=%lld %smax_us=%lld", p,
                  (long long)percentile(samples, 50), p, (long long)percentile(samples, 90), p,
                  (long long)percentile(samples, 99), p, (long long)(samples.empty() ? 0 : samples.back()));
    return line;
}

}  // namespace rtmtap::bench
