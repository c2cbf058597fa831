#pragma once
// Draws ranks 0..n-1 with P(rank r) proportional to 1/(r+1)^s: the skew of real chat traffic,
// where a few channels and users carry most messages and most carry few.
#include "Rng.h"

#include <cstddef>
#include <vector>

namespace rtmtap::gen {

class ZipfTable {
public:
    ZipfTable(size_t n, double s);
    size_t draw(Rng& rng) const;
    size_t size() const { return cdf_.size(); }

private:
    std::vector<double> cdf_;
};

}  // namespace rtmtap::gen
