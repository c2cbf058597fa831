#pragma once
// `rtmtap replay --patch FILE`, for both ways of playing (ReplayServe, ReplaySend): the rules
// read before anything else opens, the recording patched once before its plan is built
// (replay/RecordingPatch), and each rule's counts at the end (rules/RuleReport).
#include "replay/RecordingPatch.h"
#include "rules/RuleEngine.h"
#include "store/Recording.h"

#include <memory>
#include <ostream>
#include <string>

namespace rtmtap::cli {

class ReplayPatch {
public:
    // file "": no patch. Throws RuleError ("FILE:LINE: field: what"). warnings: where the engine
    // says missing paths; must outlive this.
    ReplayPatch(const std::string& file, std::ostream& warnings);

    // The recording as the rules make it (as it is without --patch); what they did, in one line
    // on err.
    Recording apply(Recording recording, std::ostream& err) const;
    // Each rule's counts on err; nothing without --patch.
    void report(std::ostream& err) const;

private:
    std::unique_ptr<RuleEngine> engine_;
};

}  // namespace rtmtap::cli
