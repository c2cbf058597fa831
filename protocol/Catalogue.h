#pragma once
// The one table of RTM events and commands: what the document (airsend-rtm.md) defines, what
// real traffic adds (protocol-notes.md) and the server's internal commands a client must never
// send. Pure data: the simulator reads it now, lint and the indexer later.
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
};

const std::vector<CatalogueEntry>& catalogue();

// The entry with this name and direction, or nullptr.
const CatalogueEntry* findCatalogueEntry(std::string_view name, Direction dir);

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
