#include "ShowCommand.h"

#include "Commands.h"
#include "view/FrameFilterOptions.h"
#include "FramePrinter.h"
#include "view/SessionJson.h"
#include "protocol/JsonText.h"
#include "view/TerminalText.h"
#include "store/JsonOut.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "protocol/CloseFrame.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <sys/ioctl.h>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

constexpr size_t kDefaultWidth = 120;
constexpr size_t kMinPreview = 10;


std::string hexPreview(std::string_view s, size_t maxColumns) {
    static const char digits[] = "0123456789abcdef";
    std::string out = "hex ";
    for (size_t i = 0; i < s.size(); ++i) {
        if (out.size() + 2 + 1 > maxColumns && i + 1 < s.size()) {
            out += "…";
            break;
        }
        out += digits[static_cast<unsigned char>(s[i]) >> 4];
        out += digits[static_cast<unsigned char>(s[i]) & 0xf];
    }
    return out;
}

bool looksLikeJson(std::string_view s) {
    size_t i = s.find_first_not_of(" \t\r\n");
    return i != std::string_view::npos && (s[i] == '{' || s[i] == '[');
}

std::string payloadPreview(const Message& m, size_t maxColumns) {
    if (m.flags & MessageFlag::Oversize) {
        return "(not stored: above --max-message)";
    }
    if (m.op == Opcode::Close) {
        if (m.payload.size() < 2) {
            return "(no code)";
        }
        int code = closeCodeOf(m.payload, 1005);
        std::string text = "code " + std::to_string(code);
        if (m.payload.size() > 2) {
            text += " " + terminalLine(std::string_view(m.payload).substr(2), maxColumns > 12 ? maxColumns - 12 : 1);
        }
        return text;
    }
    if (m.op == Opcode::Binary && !looksLikeJson(m.payload)) {
        return hexPreview(m.payload, maxColumns);
    }
    return terminalLine(m.payload, maxColumns);
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) {
        out += (out.empty() ? "" : ",") + name;
    }
    return out;
}

std::string sessionHeader(const SessionRow& row) {
    std::string line = "session " + std::to_string(row.id) + "  " + localTime(row.started_wall_us) + "  " +
                       row.client + " -> " + row.upstream;
    if (row.user_id || !row.user_name.empty()) {
        line += "  user " + (row.user_id ? std::to_string(*row.user_id) : std::string()) +
                (row.user_name.empty() ? "" : " " + row.user_name);
    }
    return terminalLine(line, 400);
}

}  // namespace

namespace {

// Columns a valid UTF-8 text takes: one per character (continuation bytes do not count).
size_t columns(std::string_view text) {
    size_t n = 0;
    for (char c : text) {
        n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }
    return n;
}

// "ch=7 msg=10011 user=42 ": the ids rtmtap found in the frame, the ones a query filters on.
std::string idsOf(const FrameRow& row) {
    std::string ids;
    auto add = [&](const char* label, const std::optional<int64_t>& id) {
        if (id) {
            ids += std::string(label) + "=" + std::to_string(*id) + " ";
        }
    };
    add("ch", row.channel_id);
    add("msg", row.message_id);
    add("user", row.user_id);
    return ids;
}

// The line's parts before the payload, plain (for its width) and coloured.
struct Head {
    std::string plain, coloured;
};

Head frameHeadParts(const FrameRow& row, const Palette& palette) {
    const Message& m = row.message;
    std::string name = row.name.empty() ? "-" : terminalLine(row.name, 20);
    char time[32], rest[64];
    std::snprintf(time, sizeof time, "%9.3f", m.t_us / 1000.0);
    std::snprintf(rest, sizeof rest, " %-6s ", toString(m.op));
    const bool c2s = m.dir == Direction::ClientToServer;
    std::string arrow = c2s ? "->" : "<-";
    std::string paddedName = name + std::string(columns(name) < 20 ? 20 - columns(name) : 0, ' ');
    char size[32];
    std::snprintf(size, sizeof size, " %7llu ", static_cast<unsigned long long>(m.size));
    std::string flags = m.flags ? "[" + joined(flagNames(m.flags)) + "] " : "";
    std::string ids = idsOf(row);
    Head head;
    head.plain = std::string(time) + " " + arrow + rest + paddedName + size + flags + ids;
    head.coloured = palette.dim(time) + " " + (c2s ? palette.c2s(arrow) : palette.s2c(arrow)) + rest +
                    (row.name.empty() ? paddedName : palette.bold(paddedName)) + size +
                    (flags.empty() ? "" : palette.warn(flags)) + palette.dim(ids);
    return head;
}

int runFrames(const ShowOptions& options, Reader& reader, std::ostream& out) {
    FrameFilter filter = options.filter;
    filter.sessions = {options.session};
    FramePrinterOptions printing;
    printing.format = options.format;
    printing.pretty = options.pretty;
    printing.width = options.width;
    printing.palette = options.palette;
    FramePrinter printer(out, printing);
    reader.query(filter, SearchOrder::Ascending, [&](const FrameRow& row) { return printer.print(row); });
    printer.finish();
    return printer.printed() > 0 || options.filter.empty() ? 0 : 1;
}

}  // namespace

std::string frameHead(const FrameRow& row, const Palette& palette) {
    return frameHeadParts(row, palette).coloured;
}

std::string frameLine(const FrameRow& row, size_t width, const Palette& palette) {
    Head head = frameHeadParts(row, palette);
    size_t used = columns(head.plain);
    size_t room = width > used + kMinPreview ? width - used : kMinPreview;
    return head.coloured + payloadPreview(row.message, room);
}

int runShow(const ShowOptions& options, std::ostream& out, std::ostream& err) {
    try {
        const std::unique_ptr<Reader> reader = openReader(options.db);
        std::optional<SessionRow> session = reader->session(options.session);
        if (!session) {
            err << "rtmtap: no session " << options.session << " in '" << options.db
                << "' (rtmtap sessions lists them)\n";
            return 2;
        }
        if (options.format == FrameFormat::Json) {
            // One object: the session as `sessions --json` shows it, and its frames.
            out << "{\"session\": " << view::sessionJson(*session) << ",\n\"frames\": ";
            int rc = runFrames(options, *reader, out);
            out << "}\n";
            return rc;
        }
        if (options.format == FrameFormat::Lines) {
            out << options.palette.bold(sessionHeader(*session)) << '\n';
        }
        return runFrames(options, *reader, out);
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
}

void setupShow(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<ShowOptions>();
    auto color = std::make_shared<ColorMode>(ColorMode::Auto);
    auto jsonl = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    options->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("show", "Print one session's frames in order");
    sub->footer(std::string("Each line: ms since the session began, direction (-> client to server, <- server to\n"
                            "client), opcode, command or event name, size, [flags], ids (ch= msg= user=), payload.\n") +
                view::kFilterHelp +
                "\nExit: 0 frames printed (or none asked for), 1 the filters matched nothing, 2 no such session\n"
                "or an unreadable database.\n"
        "Examples:\n"
        "  rtmtap show 3                             every frame of session 3\n"
        "  rtmtap show 3 --event 'chat.*' --pretty   its chat events, JSON indented\n"
        "  rtmtap show 3 --dir c2s --jsonl           what the client sent, one JSON object a line");
    sub->add_option("id", options->session, "Session id (see rtmtap sessions)")->required();
    addReadDbOption(sub, options->db);
    CLI::Option* jsonlFlag = sub->add_flag("--jsonl", *jsonl, "Print one JSON object per frame");
    sub->add_flag("--json", *json, "Print one JSON object: the session and its frames")->excludes(jsonlFlag);
    sub->add_flag("--pretty", options->pretty, "Show each JSON payload as indented JSON");
    addColorOption(*sub, *color);
    view::addFrameFilterOptions(*sub, options->filter, false);
    view::addFindingOption(*sub, options->filter);
    sub->callback([options, color, jsonl, json, &exitCode] {
        options->format = *json ? FrameFormat::Json : *jsonl ? FrameFormat::Jsonl : FrameFormat::Lines;
        options->palette = Palette(colorEnabled(*color, STDOUT_FILENO));
        exitCode = runShow(*options, std::cout, std::cerr);
    });
}

size_t previewWidth(size_t requested) {
    if (requested) {
        return requested;
    }
    struct winsize ws {};
    if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        return ws.ws_col;
    }
    const char* columns = std::getenv("COLUMNS");
    long fromEnv = columns ? std::strtol(columns, nullptr, 10) : 0;
    return fromEnv > 0 ? static_cast<size_t>(fromEnv) : kDefaultWidth;
}

}  // namespace rtmtap::cli
