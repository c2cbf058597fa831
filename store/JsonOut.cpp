#include "JsonOut.h"

#include "protocol/Base64.h"
#include "protocol/IsoTime.h"
#include "protocol/Message.h"

#include <ctime>

namespace rtmtap {
namespace {

// Floor division, so times before 1970 still split into seconds and a positive fraction.
void splitUs(int64_t us, time_t& seconds, int& micros) {
    int64_t s = us / 1'000'000;
    int64_t rest = us % 1'000'000;
    if (rest < 0) {
        rest += 1'000'000;
        s -= 1;
    }
    seconds = static_cast<time_t>(s);
    micros = static_cast<int>(rest);
}

}  // namespace

std::string base64(std::string_view bytes) {
    return encodeBase64(bytes, Base64Alphabet::Standard);
}

std::string isoUtc(int64_t wallUs) {
    return formatIsoTime(wallUs);
}

std::string localTime(int64_t wallUs) {
    time_t seconds = 0;
    int micros = 0;
    splitUs(wallUs, seconds, micros);
    std::tm tm{};
    localtime_r(&seconds, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

std::vector<std::string> flagNames(uint32_t flags) {
    static const std::pair<uint32_t, const char*> known[] = {
        {MessageFlag::Fragmented, "fragmented"}, {MessageFlag::Oversize, "oversize"},
        {MessageFlag::Malformed, "malformed"},   {MessageFlag::Synthetic, "synthetic"},
        {MessageFlag::Injected, "injected"},     {MessageFlag::Dropped, "dropped"},
        {MessageFlag::Redacted, "redacted"},     {MessageFlag::InvalidUtf8, "invalid_utf8"},
        {MessageFlag::Edited, "edited"},         {MessageFlag::Incomplete, "incomplete"},
    };
    std::vector<std::string> names;
    for (int bit = 0; bit < 32; ++bit) {
        uint32_t mask = 1u << bit;
        if (!(flags & mask)) {
            continue;
        }
        std::string name = "bit" + std::to_string(bit);
        for (const auto& [value, text] : known) {
            if (value == mask) {
                name = text;
            }
        }
        names.push_back(name);
    }
    return names;
}

}  // namespace rtmtap
