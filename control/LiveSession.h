#pragma once
// One session a running proxy holds, as the control socket tells it (control/LiveSessions keeps
// them): what the relay said at its start, the user its ws_auth named, frames each way so far.
// The JSON form is the control protocol's and `rtmtap sessions --live --json`'s (a contract).
#include <cstdint>
#include <optional>
#include <string>

namespace Poco::JSON {
class Object;
}

namespace rtmtap {

struct LiveSession {
    int64_t id = 0;
    int64_t started_wall_us = 0;
    std::string client, upstream, path;
    std::optional<int64_t> user_id;  // from the client's ws_auth token, once seen
    std::string user_name;
    uint64_t frames_c2s = 0, frames_s2c = 0;
    uint64_t bytes_c2s = 0, bytes_s2c = 0;

    // U as `inject --user` takes it: a number is a user id, anything else a user name.
    bool isUser(const std::string& user) const;

    std::string toJson() const;
    // From an object toJson wrote (untrusted: it came over a socket). Throws std::runtime_error
    // naming the field when one is missing or of the wrong type.
    static LiveSession fromJson(const Poco::JSON::Object& object);
};

}  // namespace rtmtap
