#pragma once
// Polls pred until it holds or limit passes: for what no callback announces. Limits are generous
// (the machine is shared and may be slow); nothing here asserts how fast anything is.
#include <chrono>
#include <thread>

namespace rtmtap::test {

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(30),
                std::chrono::milliseconds step = std::chrono::milliseconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) {
            return pred();
        }
        std::this_thread::sleep_for(step);
    }
    return true;
}

}  // namespace rtmtap::test
