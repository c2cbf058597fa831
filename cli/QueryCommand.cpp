#include "QueryCommand.h"
#include "pg/OpenReader.h"

#include "Commands.h"
#include "view/FrameFilterOptions.h"
#include "view/TextSearchPrep.h"

#include <iostream>
#include <memory>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

int printFrames(const QueryOptions& options, Reader& reader, std::ostream& out) {
    FramePrinterOptions printing;
    printing.format = options.format;
    printing.prefix = LinePrefix::SessionSeq;
    printing.pretty = options.pretty;
    printing.width = options.width;
    printing.palette = options.palette;
    FramePrinter printer(out, printing);
    reader.query(options.filter, options.order, [&](const FrameRow& row) {
        return printer.print(row) && (options.limit <= 0 || printer.printed() < options.limit);
    });
    printer.finish();
    return printer.printed() > 0 ? 0 : 1;
}

}  // namespace

int runQuery(const QueryOptions& options, std::ostream& out, std::ostream& err) {
    try {
        view::prepareTextSearch(options.db, options.filter, err);
        const std::unique_ptr<Reader> reader = openReader(options.db);
        if (options.count) {
            int64_t n = reader->count(options.filter);
            if (options.limit > 0 && n > options.limit) {
                n = options.limit;
            }
            out << n << '\n';
            return n > 0 ? 0 : 1;
        }
        return printFrames(options, *reader, out);
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
}

void setupQuery(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<QueryOptions>();
    auto color = std::make_shared<ColorMode>(ColorMode::Auto);
    auto jsonl = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    auto order = std::make_shared<std::string>("asc");
    options->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("query", "Find frames across all sessions");
    sub->footer(std::string("Frames come in the order they were recorded, each line prefixed by session:seq (rtmtap\n"
                            "show SESSION prints the whole session).\n") +
                view::kFilterHelp +
                "\nExit: 0 something matched, 1 nothing did, 2 an error.\n"
                "Examples:\n"
                "  rtmtap query --event 'chat.*' --channel 42 --since 1h\n"
                "  rtmtap query --text 'meeting tomorrow' --jsonl --limit 20\n"
                "  rtmtap query --where payload.message.message_type=5 --count\n"
                "  rtmtap query --finding unknown-command   found by proxy --lint or lint --store");
    addReadDbOption(sub, options->db);
    CLI::Option* jsonlFlag = sub->add_flag("--jsonl", *jsonl, "Print one JSON object per frame");
    CLI::Option* jsonFlag = sub->add_flag("--json", *json, "Print one JSON array of frames")->excludes(jsonlFlag);
    sub->add_flag("--count", options->count, "Print only how many frames match")->excludes(jsonlFlag)->excludes(jsonFlag);
    sub->add_option("--limit", options->limit, "Print at most N frames (default: all)")->check(CLI::NonNegativeNumber);
    sub->add_option("--order", *order, "asc (oldest first, the default) or desc (newest first)")
        ->check(CLI::IsMember({"asc", "desc"}));
    sub->add_flag("--pretty", options->pretty, "Show each JSON payload as indented JSON");
    addColorOption(*sub, *color);
    view::addFrameFilterOptions(*sub, options->filter);
    view::addFindingOption(*sub, options->filter);
    sub->callback([options, color, jsonl, json, order, &exitCode] {
        options->format = *json ? FrameFormat::Json : *jsonl ? FrameFormat::Jsonl : FrameFormat::Lines;
        options->order = *order == "desc" ? SearchOrder::Descending : SearchOrder::Ascending;
        options->palette = Palette(colorEnabled(*color, STDOUT_FILENO));
        exitCode = runQuery(*options, std::cout, std::cerr);
    });
}

}  // namespace rtmtap::cli
