#include "WsHandler.h"

namespace rtmtap {

const char* toString(WsEnd::Kind kind) {
    switch (kind) {
        case WsEnd::Kind::PeerClosed:
            return "peer-closed";
        case WsEnd::Kind::ServerClosed:
            return "server-closed";
        case WsEnd::Kind::Dropped:
            return "dropped";
        case WsEnd::Kind::ServerDropped:
            return "server-dropped";
        case WsEnd::Kind::ProtocolError:
            return "protocol-error";
        case WsEnd::Kind::TooBig:
            return "too-big";
    }
    return "?";
}

}  // namespace rtmtap
