#pragma once
// One frame as a JSON object: what `show --jsonl`, `query --jsonl` and `tail --jsonl` print and
// the viewer's /api/frames and /api/tail answer (field names are a contract: README,
// docs/ui-api.md).
#include <string>

namespace rtmtap {
struct FrameRow;
}

namespace rtmtap::view {

std::string frameJson(const FrameRow& row);

}  // namespace rtmtap::view
