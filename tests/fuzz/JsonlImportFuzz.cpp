// store/JsonlFormat::read (rtmtap import and replay of .jsonl files) on any file, into the
// in-memory RecordingCollector replay uses (no database). A bad file is an ImportError (or a
// Poco::Exception, which both callers turn into one line); any other exception escaping is a
// bug. Checks on what was read: frames numbered 1..N with their sizes; each frame written back
// with frameLine is one line of valid JSON whose "data" reads back (framePayload) to the same
// payload: import, export and import again agree.
#include "protocol/JsonScanner.h"
#include "protocol/Message.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "store/RecordingCollector.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <Poco/Exception.h>

#include <sstream>
#include <string>

using namespace rtmtap;

namespace {

void checkFrame(const Message& frame, int64_t seq) {
    FUZZ_CHECK(frame.seq == seq);
    FUZZ_CHECK(frame.op != Opcode::Continuation);
    const std::string line = JsonlFormat::frameLine(frame);
    FUZZ_CHECK(line.find('\n') == std::string::npos);
    FUZZ_CHECK(fuzz::validJson(line));
    const JsonMembers members = jsonMembers(line);
    FUZZ_CHECK(members.object);
    for (const JsonMember& m : members.members) {
        if (std::string_view(line).substr(m.key.offset, m.key.length) == "data") {
            const std::string back = JsonlFormat::framePayload(std::string_view(line).substr(m.valueOffset, m.valueLength), frame.op);
            FUZZ_CHECK(back == frame.payload);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    RecordingCollector sink(1);
    try {
        JsonlFormat::read(in, sink, "", nullptr);
    } catch (const ImportError&) {
        return 0;
    } catch (const Poco::Exception&) {
        return 0;
    }
    std::optional<Recording> recording = sink.take();
    FUZZ_CHECK(recording.has_value() == (sink.sessions() >= 1));
    if (!recording) {
        return 0;
    }
    int64_t seq = 0;
    for (const Message& frame : recording->frames) {
        checkFrame(frame, ++seq);
    }
    return 0;
}
