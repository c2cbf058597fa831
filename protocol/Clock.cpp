#include "Clock.h"

#include <chrono>

namespace rtmtap {
namespace {

class SystemClock : public Clock {
public:
    int64_t monotonicUs() const override {
        using namespace std::chrono;
        return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
    }
    int64_t wallUs() const override {
        using namespace std::chrono;
        return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    }
};

}  // namespace

Clock& Clock::system() {
    static SystemClock clock;
    return clock;
}

}  // namespace rtmtap
