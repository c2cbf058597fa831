#include "ZipfTable.h"

#include <algorithm>
#include <cmath>

namespace rtmtap::gen {

ZipfTable::ZipfTable(size_t n, double s) : cdf_(n) {
    double sum = 0;
    for (size_t r = 0; r < n; ++r) {
        sum += 1.0 / std::pow(static_cast<double>(r + 1), s);
        cdf_[r] = sum;
    }
    for (double& c : cdf_) {
        c /= sum;
    }
}

size_t ZipfTable::draw(Rng& rng) const {
    auto it = std::upper_bound(cdf_.begin(), cdf_.end(), rng.uniform());
    return std::min(static_cast<size_t>(it - cdf_.begin()), cdf_.size() - 1);
}

}  // namespace rtmtap::gen
