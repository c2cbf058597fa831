#pragma once
// Renders the simulator's event frames with the document's fields, in the document's order
// (airsend-rtm.md examples); the real flavour adds meta.emitted_on as real traffic does.
#include "SimModel.h"
#include "protocol/Clock.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace rtmtap {

class SimEvents {
public:
    SimEvents(SimFlavor flavor, const Clock& clock) : flavor_(flavor), clock_(clock) {}

    SimFlavor flavor() const { return flavor_; }
    // {"meta":{"api":"v1"[,"emitted_on":S.US]},"event":NAME,"payload":PAYLOAD}
    std::string frame(const std::string& event, const Poco::JSON::Object& payload) const;

    static Poco::JSON::Object::Ptr object();  // an empty object that keeps insertion order
    Poco::JSON::Object::Ptr user(const SimUser& user) const;
    Poco::JSON::Object::Ptr postedMessage(const SimMessage& message) const;   // chat.postMessage
    Poco::JSON::Object::Ptr updatedMessage(const SimMessage& message) const;  // chat.updateMessage
    // channel.create (created_by a number) or channel.update (channel_status, created_by a string)
    Poco::JSON::Object::Ptr channel(const SimChannel& channel, const std::vector<SimUser>& members, bool update) const;

private:
    SimFlavor flavor_;
    const Clock& clock_;
};

}  // namespace rtmtap
