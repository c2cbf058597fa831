#include "SimulateProcess.h"

#include <algorithm>

namespace rtmtap::test {
namespace {

std::vector<std::string> commandLine(const std::vector<std::string>& args) {
    std::vector<std::string> out = {"simulate", "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0"};
    if (std::find(args.begin(), args.end(), "--seed") == args.end()) {
        out.insert(out.end(), {"--seed", "7"});
    }
    out.insert(out.end(), args.begin(), args.end());
    return out;
}

}  // namespace

SimulateProcess::SimulateProcess(const std::vector<std::string>& args) : process_(commandLine(args)) {
    const std::regex ready(R"(simulating AirSend: api (http://127\.0\.0\.1:\d+) ws (ws://127\.0\.0\.1:\d+) )");
    api_ = process_.waitForMatch(ready);
    if (!api_.empty()) {
        std::smatch m;
        const std::string out = process_.out();
        std::regex_search(out, m, ready);
        ws_ = m.str(2);
    }
}

}  // namespace rtmtap::test
