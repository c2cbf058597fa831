#pragma once
// A control connection that intercepts (`rtmtap intercept`, issue 10's breakpoints). After the
// ok to {"cmd":"intercept",...} (control/ControlHandler.h), the proxy holds each frame the match
// picks (only that session's direction waits) and sends, in the order they were held:
//
//   {"event":"held","id":N,"session":S,"dir":"s2c","op":"text","kind":"event","name":"chat.x",
//    "size":B,"hold_timeout_ms":T,"payload":"TEXT" | "payload_base64":"B64"}
//        (base64 for anything but a text frame of valid UTF-8; name is null when the frame has none)
//   {"event":"expired","id":N,"session":S,"hold_timeout_ms":T}  it went on unchanged after T ms
//   {"event":"ended","id":N,"session":S}                         its session ended while it was held
//
// and answers, besides the plain requests:
//
//   {"cmd":"decide","id":N,"action":"forward"|"drop"|"edit","payload":"TEXT"|"payload_base64":"B64"}
//     -> {"ok":true,"id":N,"action":...}; edit sends the payload (same opcode) in place of the
//        frame, which is recorded as dropped, the new one as edited; "not_held" when it is gone
//   {"cmd":"forward_all"}
//     -> {"ok":true,"forwarded":K}: every held frame goes on unchanged, nothing more is held, and
//        the connection answers plain requests again
//
// However the connection ends (the controller exits, is killed or stops reading, the proxy
// stops), the filter is detached first and every frame it still holds goes on unchanged:
// nothing is lost. An intercepting connection has no idle timeout: a person is deciding.
// Decisions are released from this connection's threads, never from a relay loop.
#include "ControlHandler.h"

#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace Poco::JSON {
class Object;
}

namespace rtmtap {

class Interceptor;
class JsonLineChannel;

class InterceptConnection {
public:
    InterceptConnection(ControlHandler& handler, JsonLineChannel& channel);
    ~InterceptConnection();  // releases what is still held, if run() did not
    InterceptConnection(const InterceptConnection&) = delete;
    InterceptConnection& operator=(const InterceptConnection&) = delete;

    // Sends ok (the answer to the intercept request) once the filter is attached, then serves the
    // connection until it ends (false) or forwards all (true: the caller reads plain requests on).
    bool run(const InterceptRequest& request, const std::string& ok);

private:
    void announce();  // the writer thread: held, expired and ended frames, as they come
    std::string handle(const std::string& line, bool& forwardAll);
    std::string decide(const Poco::JSON::Object& request);
    size_t releaseAll();  // detach, close, release every held frame unchanged; idempotent
    void stopWriter();
    void send(const std::string& line);  // whole lines from both threads

    ControlHandler& handler_;
    JsonLineChannel& channel_;
    std::shared_ptr<Interceptor> interceptor_;
    std::thread writer_;
    std::mutex sendMutex_;
    std::mutex releaseMutex_;
    bool released_ = false;
};

}  // namespace rtmtap
