#pragma once
// The one table of RTM events and commands: what the document (airsend-rtm.md) defines, what
// real traffic adds (protocol-notes.md), the server's internal commands a client must never
// send, and the fields each carries. Pure data: the simulator, the classifier and lint read it.
#include "FieldSpec.h"
#include "Message.h"  // Direction

#include <string_view>
#include <vector>

namespace rtmtap {

// Where a name comes from. Both: in the document and in real traffic.
enum class Flavour : uint8_t { Both, DocumentOnly, RealOnly, Internal };

const char* toString(Flavour flavour);  // "both" | "document" | "real" | "internal"

struct CatalogueEntry {
    std::string_view name;        // "chat.postMessage", "ws_auth", "pong"
    Direction dir;                // ServerToClient: an event; ClientToServer: a command
    Flavour flavour;
    std::string_view description;
    // The fields it carries (FieldSpec.h), from the frame's root: what both the document's
    // example and real traffic always send is required; real-only events list what the
    // description names. Records (message, user, channel...) are catalogueRecords().
    std::string_view fields;
};

const std::vector<CatalogueEntry>& catalogue();

// The entry with this name and direction, or nullptr.
const CatalogueEntry* findCatalogueEntry(std::string_view name, Direction dir);

// The object shapes several entries share, by name, for their field specs.
const std::vector<FieldRecord>& catalogueRecords();

// entry's fields, parsed once (empty when its spec is empty or malformed: a test parses each).
const std::vector<FieldSpec>& fieldSpecs(const CatalogueEntry& entry);

// What a command makes the server send back to the connection that sent it (airsend-rtm.md,
// protocol-notes.md). Events a command causes only for other members (ws_ephemeral_typing's
// chat.userTyping) are not listed: the sender never sees them. `rtmtap replay --reactive` reads
// this to tell which recorded server frames answered which client command.
struct CommandAnswer {
    std::string_view command;  // "ws_add_reaction"
    std::string_view event;    // "chat.updateMessage"
};

const std::vector<CommandAnswer>& commandAnswers();

// True when the catalogue says event can answer command.
bool answers(std::string_view event, std::string_view command);

// The event names the document defines (Both or DocumentOnly, server to client, without "pong").
std::vector<std::string_view> documentedEvents();

}  // namespace rtmtap
