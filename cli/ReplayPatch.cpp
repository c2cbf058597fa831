#include "ReplayPatch.h"

#include "rules/RuleReport.h"

namespace rtmtap::cli {

ReplayPatch::ReplayPatch(const std::string& file, std::ostream& warnings) {
    if (!file.empty()) {
        engine_ = std::make_unique<RuleEngine>(RuleSet::load(file), warnings);
    }
}

Recording ReplayPatch::apply(Recording recording, std::ostream& err) const {
    if (!engine_) {
        return recording;
    }
    PatchCounts counts;
    Recording patched = RecordingPatch::patched(recording, *engine_, &counts);
    const std::string& file = engine_->rules().file;
    err << "rtmtap: --patch " << file << ": " << counts.describe() << std::endl;
    patched.describe += ", patched by " + file;
    return patched;
}

void ReplayPatch::report(std::ostream& err) const {
    if (engine_) {
        RuleReport::print(*engine_, err);
    }
}

}  // namespace rtmtap::cli
