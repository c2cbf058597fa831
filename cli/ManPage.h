#pragma once
// rtmtap(1) in roff (man(7) macros), written from the CLI11 App tree: the root's description and
// options, a subsection per subcommand with its options (names, value, description, default) and
// the examples of its footer, then the fixed sections (environment, files, exit status).
#include <CLI/CLI.hpp>

#include <ostream>
#include <string>

namespace rtmtap::cli {

class ManPage {
public:
    // version: "0.1.0"; date: "2026-11-30" (the page's .TH line).
    static void write(const CLI::App& root, const std::string& version, const std::string& date, std::ostream& out);

    // Text for roff: backslashes as \e, every '-' as \- (options stay copyable), non-ASCII as
    // \[uXXXX] (groff without preconv), and \& before a leading '.' or '\'' (read as a request).
    static std::string escape(const std::string& text);
};

}  // namespace rtmtap::cli
