#include "KeyBloom.h"

#include <algorithm>

namespace rtmtap {
namespace {

constexpr int kProbes = 10;
constexpr size_t kBitsPerKey = 16;
constexpr size_t kMinBytes = 64;
constexpr size_t kMaxBytes = 1 << 17;

// splitmix64's finaliser: a fast, well-mixed 64-bit hash.
uint64_t mix(uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

bool isPowerOfTwo(size_t n) {
    return n != 0 && (n & (n - 1)) == 0;
}

// Double hashing (Kirsch and Mitzenmacher): probe i is h1 + i * h2, h2 odd.
template <typename Fn>
void probes(uint64_t key, size_t bits, Fn&& fn) {
    uint64_t h1 = key;
    uint64_t h2 = mix(key ^ 0x9e3779b97f4a7c15ULL) | 1;
    for (int i = 0; i < kProbes; ++i) {
        fn(static_cast<size_t>((h1 + static_cast<uint64_t>(i) * h2) & (bits - 1)));
    }
}

}  // namespace

uint64_t frameKey(KeyTag tag, int64_t value) {
    return mix(static_cast<uint64_t>(value) * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(tag));
}

std::string KeyBloom::build(std::vector<uint64_t>& keys) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    size_t bytes = kMinBytes;
    while (bytes < kMaxBytes && bytes * 8 < keys.size() * kBitsPerKey) {
        bytes *= 2;
    }
    std::string filter(bytes, '\0');
    for (uint64_t key : keys) {
        probes(key, bytes * 8, [&](size_t bit) { filter[bit / 8] = static_cast<char>(filter[bit / 8] | (1 << (bit % 8))); });
    }
    return filter;
}

bool KeyBloom::mayContain(std::string_view filter, uint64_t key) {
    if (!isPowerOfTwo(filter.size())) {
        return true;
    }
    bool all = true;
    probes(key, filter.size() * 8, [&](size_t bit) { all = all && (filter[bit / 8] & (1 << (bit % 8))) != 0; });
    return all;
}

}  // namespace rtmtap
