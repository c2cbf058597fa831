// Masking keys of the frames the proxy encodes towards the upstream (RFC 6455 5.3): fresh per frame,
// unpredictable. Tests that a constant key, a counter, a biased source or one seeded the same for
// every session or thread would fail; a strong source fails one of them with a chance below 1e-9.
#include "proxy/MaskKeys.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/RawUpstream.h"
#include "tests/support/TestClient.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

uint32_t asWord(const uint8_t key[4]) {
    uint32_t w;
    std::memcpy(&w, key, 4);
    return w;
}

std::vector<uint32_t> drawKeys(size_t n) {
    std::vector<uint32_t> keys;
    for (size_t i = 0; i < n; ++i) {
        uint8_t key[4];
        MaskKeys::next(key);
        keys.push_back(asWord(key));
    }
    return keys;
}

// Checks that fail for a constant, a counter, a stuck or biased bit, or a repeating sequence.
void expectRandomLooking(const std::vector<uint32_t>& keys) {
    ASSERT_GE(keys.size(), 64u);
    // 32-bit keys may collide by chance (birthday bound), two consecutive ones (64 bits) may not.
    std::set<uint64_t> pairs;
    for (size_t i = 0; i + 1 < keys.size(); i += 2) {
        pairs.insert((uint64_t(keys[i]) << 32) | keys[i + 1]);
    }
    EXPECT_EQ(pairs.size(), keys.size() / 2) << "a pair of keys repeats";
    std::set<uint32_t> steps, xors;
    for (size_t i = 0; i + 1 < keys.size(); ++i) {
        steps.insert(keys[i + 1] - keys[i]);
        xors.insert(keys[i + 1] ^ keys[i]);
    }
    EXPECT_GT(steps.size(), keys.size() / 2) << "the keys advance by a few fixed steps";
    EXPECT_GT(xors.size(), keys.size() / 2);
    // Each bit position is set in about half of the keys: 7 standard deviations either way.
    const double n = double(keys.size());
    const double allowed = 7 * std::sqrt(n) / 2;
    for (int bit = 0; bit < 32; ++bit) {
        size_t ones = 0;
        for (uint32_t k : keys) {
            ones += (k >> bit) & 1u;
        }
        EXPECT_NEAR(double(ones), n / 2, allowed) << "bit " << bit;
    }
}

TEST(MaskKeys, KeysLookRandom) {
    expectRandomLooking(drawKeys(4096));
}

TEST(MaskKeys, EachThreadGetsItsOwnKeys) {
    std::vector<uint32_t> a, b;
    std::thread ta([&] { a = drawKeys(256); });
    std::thread tb([&] { b = drawKeys(256); });
    ta.join();
    tb.join();
    std::set<uint32_t> seen(a.begin(), a.end());
    size_t shared = 0;
    for (uint32_t k : b) {
        shared += seen.count(k);
    }
    EXPECT_LE(shared, 2u) << "two threads drew the same keys: a source seeded alike?";
}

// On the wire: the keys of frames the proxy encodes itself (here injected ones) towards the upstream.
std::vector<uint32_t> injectedKeys(ProxyHarness& harness, RawUpstream& upstream, size_t conn, size_t count) {
    std::vector<uint32_t> keys;
    TestClient client(harness.port());
    EXPECT_TRUE(client.open()) << client.status() << " " << client.error();
    // The session reaches its relay loop just after the client has its 101: the first injection
    // is retried until the loop holds it.
    bool taken = false;
    for (int i = 0; i < 1000 && !taken; ++i) {
        auto starts = harness.log().starts();
        taken = starts.size() > conn &&
                harness.proxy().inject(starts[conn].id, Direction::ClientToServer, Opcode::Text, "frame 0");
        if (!taken) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
    EXPECT_TRUE(taken) << "session " << conn << " never became live";
    if (!taken) {
        return keys;
    }
    const int64_t session = harness.log().starts()[conn].id;
    for (size_t i = 1; i < count; ++i) {
        EXPECT_TRUE(harness.proxy().inject(session, Direction::ClientToServer, Opcode::Text, "frame " + std::to_string(i)));
    }
    EXPECT_TRUE(upstream.waitForFrames(count, conn));
    for (const RawFrame& f : upstream.frames(conn)) {
        EXPECT_TRUE(f.header.masked) << "a frame towards the upstream must be masked";
        keys.push_back(asWord(f.header.mask));
    }
    return keys;
}

TEST(MaskKeys, FramesTheProxyEncodesCarryFreshKeys) {
    RawUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.loops = 1; });
    std::vector<uint32_t> first = injectedKeys(harness, upstream, 0, 256);
    ASSERT_EQ(first.size(), 256u);
    expectRandomLooking(first);
    std::vector<uint32_t> second = injectedKeys(harness, upstream, 1, 64);
    ASSERT_EQ(second.size(), 64u);
    std::set<uint32_t> seen(first.begin(), first.end());
    size_t shared = 0;
    for (uint32_t k : second) {
        shared += seen.count(k);
    }
    EXPECT_LE(shared, 1u) << "the second session repeats the first one's keys";
}

}  // namespace
}  // namespace rtmtap::test
