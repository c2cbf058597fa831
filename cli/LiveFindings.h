#pragma once
// `rtmtap proxy --lint`: what lint/LintTap finds in live traffic, printed as it happens (one line
// a finding) and stored in the findings table through the recorder's writer thread (source
// "live"), so that `rtmtap lint` reads it back and `rtmtap query --finding` finds its frames.
#include "Color.h"
#include "lint/LintListener.h"
#include "store/Recorder.h"

#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace rtmtap::cli {

class LiveFindings : public LintListener {
public:
    // out: the finding lines; err: the lines saying lint fell behind or a session's linting stopped.
    LiveFindings(Recorder& recorder, std::ostream& out, std::ostream& err, Palette palette = Palette());

    void onFindings(int64_t session, std::vector<Finding> findings) override;
    // Its live rows are deleted: `rtmtap lint` then checks the session from the recording. A rule
    // failure is said on err (a full queue was, once, by onBehind).
    void onSessionDropped(int64_t session, Drop why, const std::string& detail) override;
    void onBehind(size_t heldBytes) override;

private:
    Recorder& recorder_;
    std::ostream& out_;
    std::ostream& err_;
    Palette palette_;
    std::mutex outMutex_;  // lint thread only, but out may be shared with the proxy's own lines
    std::mutex errMutex_;  // separate: a relay thread must never wait for a slow stdout
};

// One finding as the proxy prints it live: "lint  TIME  SESSION:SEQ  SEVERITY  RULE  SENTENCE".
std::string liveFindingLine(const Finding& finding, const Palette& palette);

}  // namespace rtmtap::cli
