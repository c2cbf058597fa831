#pragma once
// Renders the simulator's event frames with the document's fields, in the document's order
// (airsend-rtm.md examples); the real flavour adds meta.emitted_on as real traffic does.
#include "SimModel.h"
#include "protocol/Clock.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace rtmtap {

class SimEvents {
public:
    SimEvents(SimFlavor flavor, const Clock& clock) : flavor_(flavor), clock_(clock) {}

    SimFlavor flavor() const { return flavor_; }
    // {"meta":{"api":"v1"[,"emitted_on":S.US]},"event":NAME,"payload":PAYLOAD}
    std::string frame(const std::string& event, const Poco::JSON::Object& payload) const;
    std::string frame(const std::string& event, const Poco::JSON::Array& payload) const;  // channel.group.reorder

    static Poco::JSON::Object::Ptr object();  // an empty object that keeps insertion order
    // The records events carry. The doc flavour writes them as the document's examples do; the
    // real flavour as the real backend does, with the API's normalizer (SimApiObjects), so they
    // equal the HTTP answers' objects.
    Poco::JSON::Object::Ptr user(const SimUser& user) const;
    static Poco::JSON::Object::Ptr documentUser(const SimUser& user);  // the document's, with email
    Poco::JSON::Object::Ptr postedMessage(const SimMessage& message, const std::string& channelName) const;   // chat.postMessage
    Poco::JSON::Object::Ptr updatedMessage(const SimMessage& message, const std::string& channelName) const;  // chat.updateMessage
    // channel.create (doc: created_by a number) or channel.update (doc: channel_status, created_by
    // a string); the real flavour's is the channel normalised without a user.
    Poco::JSON::Object::Ptr channel(const SimChannelView& view, bool update) const;

    // The real backend's objects (NormalizedObjectFactory) for the real flavour's extra events.
    // action.create's action as the document shows it (doc) or as the backend normalises it
    // (real: parent_id, channel_name, children, users).
    Poco::JSON::Object::Ptr action(const SimAction& action, const std::string& channelName,
                                   const std::vector<SimAction>& children) const;
    // fs.*: {user_id, channel_id, fs_name, fs_path, extension, media}; the caller adds the rest.
    static Poco::JSON::Object::Ptr fsObject(int64_t userId, int64_t channelId, const std::string& name,
                                            const std::string& path);
    // A channel group {id, name, virtual, created_on}; groupList adds the virtual groups "all"
    // and "dm" the backend lists after the user's own (channel.group.list, channel.group.reorder).
    static Poco::JSON::Object::Ptr group(const SimGroup& group);
    static Poco::JSON::Array::Ptr groupList(const std::vector<SimGroup>& ordered);
    // alert.notification / alert.update as the backend builds them (user.alerts too): a message
    // alert (alert_type 40, message_id) or a channel alert (alert_type 20).
    static Poco::JSON::Object::Ptr alert(const SimAlert& alert, const std::vector<SimUser>& from);
    // The alert an event carries: the doc flavour's is the document's example (no alert_type nor
    // created_on, the document's users), the real flavour's alert().
    Poco::JSON::Object::Ptr alertEvent(const SimAlert& alert, const std::vector<SimUser>& from) const;

private:
    std::string frameAround(const std::string& event, const std::string& payload) const;

    SimFlavor flavor_;
    const Clock& clock_;
};

}  // namespace rtmtap
