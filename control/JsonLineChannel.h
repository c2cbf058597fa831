#pragma once
// The control protocol's framing: one JSON value a line ('\n'), both ways, over a stream socket.
// Reads are bounded (a peer that sends an endless line gets TooLong, not our memory) and timed
// (the socket's receive timeout). Used by both ends: the proxy's control connections and the
// commands that talk to it.
#include <Poco/Net/StreamSocket.h>

#include <cstddef>
#include <string>

namespace rtmtap {

class JsonLineChannel {
public:
    enum class Read { Line, End, TooLong, Timeout, Error };

    JsonLineChannel(Poco::Net::StreamSocket socket, size_t maxLine);

    // The next line, without its '\n' (and a '\r' before it). End: the peer closed, nothing
    // pending; a last line without '\n' counts as End too (a request is only whole with it).
    Read readLine(std::string& line);
    // Writes line and '\n' whole (the socket's send timeout bounds a peer that does not read).
    // Throws Poco::Exception when the peer is gone or stalls.
    void writeLine(const std::string& line);

    Poco::Net::StreamSocket& socket() { return socket_; }

private:
    Poco::Net::StreamSocket socket_;
    size_t maxLine_;
    std::string buffer_;
    size_t scanned_ = 0;  // bytes of buffer_ already known to hold no '\n'
};

}  // namespace rtmtap
