#pragma once
// Where the file readers (store/JsonlFormat.h, store/HarFormat.h) put the sessions they read:
// the importer writes them to the database, replay's loader keeps them in memory.
#include "Recording.h"
#include "protocol/Message.h"
#include "protocol/Session.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rtmtap {

// What a file knows about a session besides its frames.
struct ImportedSession {
    SessionInfo info;                // id is ignored: the sink allocates one
    std::optional<SessionEnd> end;   // nullopt: the session never ended (ended_us stays NULL)
    std::string label;               // "" stores NULL
};

class SessionSink {
public:
    virtual ~SessionSink() = default;

    // Starts the next session; the frames added after belong to it. Returns its id.
    virtual int64_t beginSession(const ImportedSession& session) = 0;
    // A frame of the current session, in order: seq is the sink's to set; t_us, wall_us, dir,
    // op, flags, size, fwd_us and payload are as the file gave them.
    virtual void addFrame(Message&& frame) = 0;
    // An HTTP API call of the current session's login, oldest first: JSONL's api_call lines, and
    // a HAR's other entries when asked for (HarApiCalls::Attach). A sink that has no use for them
    // leaves this as it is.
    virtual void addApiCall(RecordedApiCall&& /*call*/) {}
};

}  // namespace rtmtap
