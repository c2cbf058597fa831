#pragma once
// Masking keys for the frames the proxy encodes itself towards an upstream (close frames of its
// own, injected and edited frames, reassembled fragmented messages). RFC 6455 5.3: each key must
// come fresh "from a strong source of entropy", so that a client cannot predict it (the mask keeps
// attacker-chosen bytes from reaching intermediaries in a form they would misread). Keys come from
// getrandom(2), the kernel's CSPRNG, drawn 64 keys at a time per thread: a key costs a copy, and one
// system call in 64.
#include <cstdint>

namespace rtmtap {

class MaskKeys {
public:
    // Writes a fresh 4-byte key. Thread-safe (each thread has its own batch).
    static void next(uint8_t key[4]);
};

}  // namespace rtmtap
