#include "UnknownCommandRule.h"

#include "protocol/Catalogue.h"

namespace rtmtap {

void UnknownCommandRule::onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) {
    if (frame.shape != ClientFrame::Shape::Object) {
        return;
    }
    if (!frame.hasCommand) {
        out.push_back(Finding::at(m, id(), Severity::Error,
                                  "the client sent a JSON object without a string \"command\": the real server drops "
                                  "the connection"));
        return;
    }
    const CatalogueEntry* entry = findCatalogueEntry(frame.command, Direction::ClientToServer);
    if (!entry) {
        out.push_back(Finding::at(m, id(), Severity::Error,
                                  "the client sent '" + frame.command +
                                      "', a command the protocol does not have: the real server drops the connection"));
    } else if (entry->flavour == Flavour::Internal) {
        out.push_back(Finding::at(m, id(), Severity::Error,
                                  "the client sent '" + frame.command +
                                      "', one of the server's internal commands: the real server drops the connection"));
    }
}

}  // namespace rtmtap
