#include "SimChatRoutes.h"

#include "SimEvents.h"

#include <Poco/JSON/Parser.h>

namespace rtmtap {
namespace {

// The new message's id, read from the chat.postMessage event the world produced for it: the
// answer and the event cannot disagree, and SimWorld::post stays the one way to post.
int64_t postedId(const SimOutputs& outputs) {
    for (const auto& out : outputs) {
        try {
            auto frame = Poco::JSON::Parser().parse(out.frame).extract<Poco::JSON::Object::Ptr>();
            if (frame->getValue<std::string>("event") == "chat.postMessage") {
                return frame->getObject("payload")->getObject("message")->getValue<int64_t>("id");
            }
        } catch (const std::exception&) {
            continue;  // the world writes its frames: not reached
        }
    }
    return 0;
}

}  // namespace

std::vector<SimApiRoute> SimChatRoutes::routes() {
    return {
        {"/api/v1/chat.postmessage", {"POST"}, true, [this](SimApiCall& call) { postMessage(call); }},
        {"/api/v1/system.ping", {"POST"}, false, [this](SimApiCall& call) { ping(call); }},
    };
}

void SimChatRoutes::postMessage(SimApiCall& call) {
    const SimUser user = call.user();
    call.required("channel_id");
    const int64_t channelId = call.intParam("channel_id", 0);
    const std::string text = call.param("text");
    if (text.empty()) {
        throw SimApiCall::Failure(400, "Attachments or text is required");
    }
    const SimOutputs outputs = world_.post(user.id, channelId, text);
    const int64_t id = postedId(outputs);
    if (id == 0) {
        // SimWorld::post refuses only an unknown channel or a non-member: the real API's 401.
        throw SimApiCall::Failure(401, "User " + user.email + " does not have write access to this channel ");
    }
    server_.deliver(outputs);
    auto body = SimApiCall::answer();
    body->set("message_id", id);
    call.reply(*body);
}

// As the real SystemManager: the finger print must be one rtm.connect gave (404 "finger print
// not found"), to this user (401). The event then goes to the connections that authenticated
// with that finger print's token; when there is none (the socket is reconnecting) the answer is
// still 200, as the real API publishes the event to the connection's topic without knowing
// whether anyone listens: the client, hearing nothing, reconnects.
void SimChatRoutes::ping(SimApiCall& call) {
    const SimUser user = call.user();
    const std::string fingerPrint = call.required("finger_print");
    const std::string pingToken = call.required("ping_token");
    auto owner = sessions_.fingerPrintOwner(fingerPrint, call.now());
    if (!owner) {
        throw SimApiCall::Failure(404, "finger print not found");
    }
    if (*owner != user.id) {
        throw SimApiCall::Failure(401, "Unauthorized");
    }
    auto payload = SimEvents::object();
    payload->set("ping_token", pingToken);
    server_.deliverToConnection(user.id, fingerPrint, world_.eventFrame("system.ping", *payload));
    call.reply(*SimApiCall::answer());
}

}  // namespace rtmtap
