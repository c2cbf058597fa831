// protocol/Utf8 (the InvalidUtf8 flag, the JSON scanner's string check) on any bytes, against a
// plain decoder written from RFC 3629's table, and utf8SequenceLength against isValidUtf8.
#include "protocol/Utf8.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstdint>
#include <string_view>

using namespace rtmtap;

namespace {

// Length of the valid sequence at s[i], 0 when none: decode, then reject overlong forms,
// surrogates and anything above U+10FFFF.
size_t referenceLength(std::string_view s, size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    uint32_t cp = 0;
    if (b0 < 0x80) {
        return 1;
    } else if ((b0 & 0xE0) == 0xC0) {
        n = 2;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        n = 3;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        n = 4;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (s.size() - i < n) {
        return 0;
    }
    for (size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (b & 0x3F);
    }
    const uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < minimum[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    bool valid = true;
    for (size_t i = 0; i < size;) {
        const size_t n = referenceLength(text, i);
        const size_t ours = utf8SequenceLength(text, i);
        FUZZ_CHECK(ours == (n >= 2 ? n : 0));
        if (n == 0) {
            valid = false;
            ++i;
        } else {
            i += n;
        }
    }
    FUZZ_CHECK(isValidUtf8(text) == valid);
    return 0;
}
