#include "FramePrinter.h"

#include "JsonPretty.h"
#include "ShowCommand.h"
#include "store/Reader.h"
#include "view/FrameJson.h"
#include "view/TerminalText.h"

namespace rtmtap::cli {
namespace {

std::string prefixOf(const FrameRow& row, LinePrefix prefix) {
    switch (prefix) {
        case LinePrefix::Session:
            return std::to_string(row.message.session) + " ";
        case LinePrefix::SessionSeq:
            return std::to_string(row.message.session) + ":" + std::to_string(row.message.seq) + " ";
        default:
            return "";
    }
}

// The payload as indented JSON, each line indented and made safe for a terminal; "" when the
// payload is not JSON.
std::string prettyPayload(const FrameRow& row) {
    const Message& m = row.message;
    if ((m.op != Opcode::Text && m.op != Opcode::Binary) || (m.flags & MessageFlag::Oversize)) {
        return "";
    }
    std::optional<std::string> pretty = prettyJson(m.payload);
    if (!pretty) {
        return "";
    }
    return terminalLines(*pretty, "    ");
}

}  // namespace

FramePrinter::FramePrinter(std::ostream& out, FramePrinterOptions options)
    : out_(out), options_(std::move(options)), width_(previewWidth(options_.width)) {}

bool FramePrinter::print(const FrameRow& row) {
    switch (options_.format) {
        case FrameFormat::Jsonl:
            out_ << view::frameJson(row) << '\n';
            break;
        case FrameFormat::Json:
            out_ << (printed_ ? ",\n " : "[\n ") << view::frameJson(row);
            break;
        case FrameFormat::Lines: {
            std::string prefix = prefixOf(row, options_.prefix);
            size_t room = width_ > prefix.size() ? width_ - prefix.size() : 1;
            std::string pretty = options_.pretty ? prettyPayload(row) : "";
            out_ << options_.palette.dim(prefix)
                 << (pretty.empty() ? frameLine(row, room, options_.palette) + "\n"
                                    : frameHead(row, options_.palette) + "\n" + pretty);
            break;
        }
    }
    ++printed_;
    return static_cast<bool>(out_);
}

void FramePrinter::finish() {
    if (options_.format == FrameFormat::Json) {
        out_ << (printed_ ? "\n]\n" : "[]\n");
    }
    out_.flush();
}

}  // namespace rtmtap::cli
