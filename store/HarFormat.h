#pragma once
// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) with Chrome's WebSocket extension: an
// entry with "_resourceType":"websocket", response status 101 and "_webSocketMessages":
// [{"type":"send"|"receive"|"error","time":<epoch seconds>,"opcode":1|2|-1,"data":".."}]
// (opcode 2 data is base64). What Chrome DevTools, Firefox, Playwright, mitmproxy and HTTP
// Toolkit write and Chrome DevTools imports.
//   write: one session as one entry. Ping, pong and close frames are left out (HAR has no place
//          for them); the session's error line becomes a final "error" message.
//   read:  each entry with "_resourceType":"websocket", or status 101 with _webSocketMessages,
//          becomes a session (URL -> upstream and path, request headers kept); other entries are
//          skipped, or with HarApiCalls::Attach handed to each session as its API calls (those
//          that started no later than it). "error" messages are not frames: their data, joined
//          with "; ", becomes the session's error line. Opcodes 8, 9 and 10, which some tools
//          write, become close, ping and pong frames.
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>

namespace rtmtap {

struct SessionRow;
class Reader;
class SessionSink;

// What read does with the entries that are not WebSockets (page loads, fetches, API calls).
enum class HarApiCalls {
    Skip,    // import stores the WebSocket sessions only
    Attach,  // replay: each session gets every such entry that started no later than it, oldest
             // first (method, path and query, status, headers, bodies; base64 content decoded)
};

class HarFormat {
public:
    // progress gets the frames written so far now and then.
    static void write(std::ostream& out, const SessionRow& row, Reader& reader,
                      const std::function<void(int64_t)>& progress);
    // Returns the number of sessions read. Throws ImportError ("log.entries[3]: ...").
    static size_t read(std::istream& in, SessionSink& sink, const std::string& label,
                       HarApiCalls apiCalls = HarApiCalls::Skip);
};

}  // namespace rtmtap
