#pragma once
// Recordings made to hurt a viewer, as a crafted file would bring them in: a JSONL file (README,
// "Moving sessions") imported by `rtmtap import` itself, so that what gets in is exactly what its
// rules let in, and its lint findings stored (`rtmtap lint --store`). What the viewer's tests
// open (tests/ui/UiApiTest, tests/browser/UiBrowserTest's hostile scenario).
//
// Session 1 "hostile": markup and script in every text a page shows (user name, client,
// upstream, path, label, close reason, error, headers, API calls' method, path, headers and
// bodies, event and command names, payloads), right-to-left overrides and control characters,
// invalid UTF-8 and binary frames, a 1 MiB JSON string, a 1 MiB text and a 1 MiB event name,
// an array of 500,000 items, JSON nested 100,000 and 5,000 levels deep, integers past 2^53 and
// exponents past a double's range, keys named __proto__ and constructor, times that go
// backwards (and a frame after the closes). Session 2 has
// no frame, session 3 only frames of kind "other", session 4 times at both ends of int64.
#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::test {

// Each sets window.__pwned when a page runs it as markup or as a link.
extern const char* const kHostileImg;     // <img src=x onerror=...>
extern const char* const kHostileScript;  // </script><script>...</script>
extern const char* const kHostileSvg;     // "><svg onload=...>
extern const char* const kHostileUrl;     // javascript:...
// A right-to-left override and control characters (BEL, ESC, NUL, DEL, the C1 CSI).
extern const char* const kHostileRtl;
extern const std::string kHostileControl;

// The user name of session 1's token and its label: markup, override and control characters.
std::string hostileUserName();
std::string hostileLabel();
// The user id of session 1's token: 2^53 + 1, which a JavaScript number cannot hold.
constexpr const char* kHostileUserId = "9007199254740993";

// The JSONL file, sessions 1 to 4 as above.
std::string hostileJsonl();

// Writes hostileJsonl() to dir/hostile.jsonl, imports it into db with `rtmtap import` and stores
// its lint findings with `rtmtap lint --store`. Returns the new session ids (4), or an empty
// vector (with a failed test saying why) when a command did not do so.
std::vector<int64_t> importHostileSessions(const std::string& db, const std::string& dir);

}  // namespace rtmtap::test
