#include "MaskKeys.h"

#include <openssl/rand.h>
#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rtmtap {
namespace {

constexpr size_t kBatch = 256;  // 64 keys; getrandom never returns short for up to 256 bytes

struct Batch {
    uint8_t bytes[kBatch];
    size_t used = kBatch;  // empty until first use
};

void refill(uint8_t* out) {
    size_t got = 0;
    while (got < kBatch) {
        ssize_t n = ::getrandom(out + got, kBatch - got, 0);
        if (n > 0) {
            got += static_cast<size_t>(n);
        } else if (n < 0 && errno != EINTR) {
            break;
        }
    }
    if (got == kBatch) {
        return;
    }
    // Only a kernel without getrandom (before 3.17) gets here: OpenSSL's CSPRNG, also strong.
    if (RAND_bytes(out, static_cast<int>(kBatch)) != 1) {
        // Sending predictable masks would break RFC 6455 silently; there is no safe way on.
        std::fprintf(stderr, "rtmtap: no strong random source (getrandom and OpenSSL's RAND_bytes failed)\n");
        std::abort();
    }
}

}  // namespace

void MaskKeys::next(uint8_t key[4]) {
    static thread_local Batch batch;
    if (batch.used + 4 > kBatch) {
        refill(batch.bytes);
        batch.used = 0;
    }
    std::memcpy(key, batch.bytes + batch.used, 4);
    batch.used += 4;
}

}  // namespace rtmtap
