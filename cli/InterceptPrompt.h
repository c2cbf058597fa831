#pragma once
// The interaction of `rtmtap intercept`: shows each held frame (one header line, then the pretty
// JSON) and asks forward / edit / drop / all, one frame at a time in the order they were held,
// while the proxy's events (frames held meanwhile, frames that went on after their hold time or
// whose session ended) come in beside the user's input.
#include "Color.h"

#include <cstdint>
#include <deque>
#include <iosfwd>
#include <optional>
#include <string>

namespace rtmtap {
class InterceptClient;
}

namespace rtmtap::cli {

class InterceptPrompt {
public:
    InterceptPrompt(InterceptClient& client, std::string db, double holdSeconds, Palette palette);

    // Until the user forwards all or input ends (0), or the proxy goes away (2, one line on err).
    // Reads answers from the file descriptor in (a terminal or a pipe).
    int run(int in, std::ostream& out, std::ostream& err);

private:
    struct Frame {
        int64_t id = 0, session = 0, size = 0;
        std::string dir, op, kind, name;
        std::string payload;  // the bytes
        bool text = false;    // payload is valid UTF-8 (it came as "payload")
    };
    enum class Input { Line, End, Wake };

    void takeEvents();
    void note(const std::string& line);  // a line of its own, after an open prompt
    void show(const Frame& f);
    void ask();
    Input readLine(int in, std::string& line);
    bool answer(const std::string& line);  // true: the user chose all
    void decide(const std::string& action, const std::string& payloadField = "");
    void edit();
    std::optional<std::string> editedPayload(const Frame& f);
    int forwardAll(const std::string& why);
    std::string seconds() const;

    InterceptClient& client_;
    std::string db_;
    double holdSeconds_;
    Palette palette_;
    std::ostream* out_ = nullptr;
    std::ostream* err_ = nullptr;
    std::deque<Frame> held_;
    int64_t shown_ = 0;       // the frame asked about, 0 before the first
    bool promptOpen_ = false;  // the question is on the screen, without its newline
    bool inIsTerminal_ = false;
    std::string input_;        // read, not yet a whole line
};

}  // namespace rtmtap::cli
