#pragma once
// Shell completion scripts for rtmtap, written from the CLI11 App tree: subcommands (nested ones
// too), each one's options, the values of options with a fixed set (--format jsonl|har), and file
// names for the options and arguments that take a file (--db, -o, a .jsonl/.har argument).
#include <CLI/CLI.hpp>

#include <ostream>

namespace rtmtap::cli {

class Completions {
public:
    // A bash script defining _rtmtap and `complete -F _rtmtap rtmtap`.
    static void writeBash(const CLI::App& root, std::ostream& out);
    // A zsh script for $fpath (#compdef rtmtap, _arguments specs).
    static void writeZsh(const CLI::App& root, std::ostream& out);
};

}  // namespace rtmtap::cli
