#pragma once
// The Bloom filter of a frame block (frame_blocks.keys, docs/schema.md): which keys the block's
// frames carry (their session, name, channel, message and user ids, their flag bits). A query
// scans only the blocks whose filter may hold what it asks for. 16 bits a distinct key and 10
// probes: about 1 block in 2,000 is scanned for nothing.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

// What a key is about; part of the key's hash, so channel 7 and user 7 are different keys.
// Stored in files: never renumber.
enum class KeyTag : uint8_t { Session = 1, Name = 2, Channel = 3, Message = 4, User = 5, Flag = 6 };

uint64_t frameKey(KeyTag tag, int64_t value);

class KeyBloom {
public:
    // The filter bytes for these keys (duplicates allowed; keys is sorted in place).
    static std::string build(std::vector<uint64_t>& keys);
    // False when key is certainly not in the filter. Bytes that are not a filter (empty, not a
    // power of two: the file is not trusted) answer true, so the block is scanned.
    static bool mayContain(std::string_view filter, uint64_t key);
};

}  // namespace rtmtap
