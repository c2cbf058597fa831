#pragma once
// How long something took, as a finding's sentence says it: "0.05 s", "0.4 s", "12.8 s", "4 min 05 s",
// "3 h 12 min", "2 days 4 h". Hundredths below a tenth of a
// second, tenths below a minute: as fine as a rule ever needs.
#include <cstdint>
#include <string>

namespace rtmtap {

std::string describeDuration(int64_t us);

}  // namespace rtmtap
