#pragma once
// rtmtap's own session file, JSON Lines made for people to edit (README, "Moving sessions"):
//   {"rtmtap":"session","version":1,"id":..,"started_at":ISO,...,"label":..}   the metadata
//   {"rtmtap":"api_call","started_at":ISO,"method":..,"path":..,"status":..,
//    "response_headers":{..},"response_body":..,"request_headers":{..},"request_body":..}
//                                            the session's login API calls, oldest first
//   {"t_us":..,"dir":"c2s","op":"text","flags":[..],"fwd_us":..,"data":..}     one frame a line
// data: a text payload that is a JSON object or array appears as that JSON, its bytes verbatim
// (when it is on one line with nothing around it and does not start with a "base64" key);
// other UTF-8 text, ping and pong payloads as a string; a close as {"code":N,"reason":".."};
// anything else as {"base64":".."}; API call bodies like text data. export, import and export
// again give the identical file. Version 2 added the api_call lines: a session without them is
// written as version 1, which older rtmtap reads.
// The session line has "replay_of" and "derived_from" (sessions columns, docs/schema.md) only when
// they are set; on import a session named by an earlier session line of the same file is linked
// to that session's new id, any other id is kept when the target database holds such a session and
// dropped when it does not (SessionImporter).
// Several sessions may follow each other in one file (cat a.jsonl b.jsonl works). Blank lines
// and lines that start with '#' are skipped (rtmtap edit puts its error there; the line numbers
// of errors still count them).
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

namespace rtmtap {

enum class Opcode : uint8_t;

struct ApiCallRow;
struct Message;
struct SessionRow;
class Reader;
class SessionSink;

class JsonlFormat {
public:
    static constexpr int kVersion = 2;  // the newest this build reads

    // apiCalls: api_call lines follow (the line says version 2).
    static std::string sessionLine(const SessionRow& row, const std::string& label, bool apiCalls = false);
    static std::string apiCallLine(const ApiCallRow& call);
    static std::string frameLine(const Message& frame);
    // The payload a frame line's "data" stands for (data: its raw JSON value, valid JSON), as
    // read() takes it; for the rules' frames (rules/RuleSet). Throws ImportError without a line.
    static std::string framePayload(std::string_view data, Opcode op);
    // The whole session row as rtmtap export writes it: the session line, its login's API calls,
    // then its frames. progress gets the frames written so far now and then. Stops early when
    // out fails: the caller checks out.
    static void write(std::ostream& out, const SessionRow& row, Reader& reader,
                      const std::function<void(uint64_t)>& progress);

    // Reads every session of in, with its API calls, into sink. label, when not "", replaces the
    // file's labels.
    // progress gets the bytes read so far now and then. Throws ImportError ("line N: ...").
    static void read(std::istream& in, SessionSink& sink, const std::string& label,
                     const std::function<void(uint64_t)>& progress);
};

}  // namespace rtmtap
