#pragma once
// One lint finding as a JSON object: what `lint --json` prints a line each and the viewer's
// /api/sessions/ID lists (field names are a contract: README, docs/ui-api.md).
#include <string>

namespace rtmtap {
struct Finding;
}

namespace rtmtap::view {

// source: who found it, store/Findings.h's FindingSource ("live" or "lint").
std::string findingJson(const Finding& finding, const std::string& source);

}  // namespace rtmtap::view
