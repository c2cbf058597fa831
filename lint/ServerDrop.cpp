#include "ServerDrop.h"

#include "protocol/Catalogue.h"

namespace rtmtap {

ServerDrop serverDropFor(const LintFrame& frame) {
    if (!frame.fromClient()) {
        return ServerDrop::None;
    }
    switch (frame.shape) {
    case LintFrame::Shape::NotChecked: return ServerDrop::None;
    case LintFrame::Shape::NotJson: return ServerDrop::NotJson;
    case LintFrame::Shape::NotObject: return ServerDrop::NotObject;
    case LintFrame::Shape::Object: break;
    }
    if (!frame.hasName) {
        return ServerDrop::NoCommand;
    }
    const CatalogueEntry* entry = findCatalogueEntry(frame.name, Direction::ClientToServer);
    if (!entry) {
        return ServerDrop::UnknownCommand;
    }
    return entry->flavour == Flavour::Internal ? ServerDrop::InternalCommand : ServerDrop::None;
}

}  // namespace rtmtap
