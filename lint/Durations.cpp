#include "Durations.h"

#include <cstdio>

namespace rtmtap {

std::string describeDuration(int64_t us) {
    const long long s = us / 1'000'000;
    char text[48];
    if (us < 100'000 && us > -100'000) {
        std::snprintf(text, sizeof text, "%.2f s", static_cast<double>(us) / 1e6);
    } else if (us < 60'000'000) {
        std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(us) / 1e6);
    } else if (s < 3600) {
        std::snprintf(text, sizeof text, "%lld min %02lld s", s / 60, s % 60);
    } else if (s < 48 * 3600) {
        std::snprintf(text, sizeof text, "%lld h %02lld min", s / 3600, s / 60 % 60);
    } else {
        std::snprintf(text, sizeof text, "%lld days %lld h", s / 86400, s / 3600 % 24);
    }
    return text;
}

}  // namespace rtmtap
