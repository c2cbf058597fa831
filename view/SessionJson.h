#pragma once
// One session as a JSON object: what `rtmtap sessions --json` and `show --json` print and the
// viewer's /api/sessions answers (field names are a contract: README, docs/ui-api.md).
#include <string>

namespace rtmtap {
struct SessionRow;
}

namespace rtmtap::view {

std::string sessionJson(const SessionRow& row);

// Whether text is a JSON object (stored JSON is embedded only then: the file is not trusted).
bool isJsonObject(const std::string& text);

}  // namespace rtmtap::view
