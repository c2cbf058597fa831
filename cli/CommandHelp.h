#pragma once
// Reads what the man page and the shell completions need out of the CLI11 App tree, so that both
// are generated from the same definitions as --help and cannot disagree with it.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace rtmtap::cli {

// One line of a footer's "Examples:" block: "  rtmtap lint 12 --fail-on warn   one session".
struct Example {
    std::string command;  // "rtmtap lint 12 --fail-on warn"
    std::string comment;  // "one session" ("" when the line has none)
};

// A footer split at its "Examples:" line: the text before it, and the examples after it.
struct FooterParts {
    std::string prose;
    std::vector<Example> examples;
};

class CommandHelp {
public:
    // The marker every subcommand's footer ends with (HelpExamplesTest checks it).
    static constexpr const char* kExamplesHeading = "Examples:";

    static FooterParts splitFooter(const std::string& footer);
    // The subcommands a user sees: not those in the hidden group "".
    static std::vector<const CLI::App*> visibleSubcommands(const CLI::App& app);
    // The options a user sees (named and positional), --help included; hidden ones (group "") not.
    static std::vector<const CLI::Option*> visibleOptions(const CLI::App& app);
    // "rtmtap lint" for the lint subcommand of the root app "rtmtap".
    static std::string commandPath(const CLI::App& app, const std::string& rootName = "rtmtap");
    // The option takes a value (not a flag).
    static bool takesValue(const CLI::Option& option);
    // The option's value names a file: a FILE type, or a text value whose description says file,
    // database or PEM.
    static bool takesFile(const CLI::Option& option);
    // The fixed set of values an IsMember check allows ({jsonl,har} in the type name), else empty.
    static std::vector<std::string> choices(const CLI::Option& option);
    // "-o, --output" or "--db", or the positional's name ("id").
    static std::vector<std::string> names(const CLI::Option& option);
    // The value's name for people: its type name (INT, N, T), FILE for a text value that takes a
    // file, the choices (jsonl|har); "" for a flag.
    static std::string valueHint(const CLI::Option& option);
};

}  // namespace rtmtap::cli
