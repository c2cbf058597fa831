#pragma once
// Loads the one recorded session replay plays (issue 9), from any source:
//   source "3" (digits): session 3 of the database dbPath, with its login API calls
//                         (v_session_api, docs/schema.md);
//   any other source:    a file, rtmtap JSONL or HAR, told apart by its content (not its name):
//                         position is the 1-based index of the WebSocket session within it. HAR
//                         sessions come with the file's other entries that started no later than
//                         them as their API calls; JSONL sessions with their api_call lines. No
//                         database is used.
// Everything that goes wrong is a RecordingError of one line: a file that does not exist or is
// neither format, a format error ("capture.jsonl: line 3: ..." as the readers locate it), a
// file without WebSocket sessions, a position beyond them, an unknown session id, a database that
// cannot be opened, a position given with a session id.
#include "store/Recording.h"

#include <optional>
#include <string>

namespace rtmtap {

// position nullopt: the first session; when the file holds more than one, *notice (if given)
// gets one line saying so ("capture.har holds 3 WebSocket sessions; replaying the first
// (--session N picks another)"), else it is set to "".
Recording loadRecording(const std::string& source, const std::string& dbPath, std::optional<int> position,
                        std::string* notice);

}  // namespace rtmtap
