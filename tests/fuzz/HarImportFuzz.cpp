// store/HarFormat::read (rtmtap import and replay of .har files, HAR 1.2 with Chrome's WebSocket
// messages) on any file, into the in-memory RecordingCollector, the API calls attached as replay
// asks. A bad file is an ImportError (or a Poco::Exception: both callers make it one line); any
// other exception escaping is a bug. Checks: as many sessions as read() says, the first one kept;
// its frames numbered 1..N, with sizes equal to their payloads.
#include "protocol/Message.h"
#include "store/HarFormat.h"
#include "store/ImportError.h"
#include "store/RecordingCollector.h"
#include "tests/fuzz/FuzzCheck.h"

#include <Poco/Exception.h>

#include <sstream>
#include <string>

using namespace rtmtap;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    RecordingCollector sink(1);
    size_t sessions = 0;
    try {
        sessions = HarFormat::read(in, sink, "", HarApiCalls::Attach);
    } catch (const ImportError&) {
        return 0;
    } catch (const Poco::Exception&) {
        return 0;
    }
    FUZZ_CHECK(sessions == static_cast<size_t>(sink.sessions()));
    std::optional<Recording> recording = sink.take();
    FUZZ_CHECK(recording.has_value() == (sessions >= 1));
    if (!recording) {
        return 0;
    }
    int64_t seq = 0;
    for (const Message& frame : recording->frames) {
        FUZZ_CHECK(frame.seq == ++seq);
        FUZZ_CHECK(frame.size == frame.payload.size());
        FUZZ_CHECK(frame.op != Opcode::Continuation);
    }
    return 0;
}
