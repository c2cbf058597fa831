#pragma once
// The clock seam: monotonic time orders frames and drives replay timing, wall time is for
// display. Tests substitute a FakeClock.
#include <atomic>
#include <cstdint>

namespace rtmtap {

class Clock {
public:
    virtual ~Clock() = default;
    virtual int64_t monotonicUs() const = 0;
    virtual int64_t wallUs() const = 0;
    static Clock& system();
};

class FakeClock : public Clock {
public:
    int64_t monotonicUs() const override { return mono_.load(); }
    int64_t wallUs() const override { return wall_.load(); }
    void advance(int64_t us) {
        mono_ += us;
        wall_ += us;
    }

private:
    std::atomic<int64_t> mono_{1'000'000};
    std::atomic<int64_t> wall_{1'700'000'000'000'000};
};

}  // namespace rtmtap
