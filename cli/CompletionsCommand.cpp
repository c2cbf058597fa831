// `rtmtap completions bash|zsh`: prints the shell's completion script, generated from the same
// option definitions as --help (cli/Completions).
#include "Commands.h"
#include "Completions.h"

#include <memory>

namespace rtmtap::cli {
namespace {

struct CompletionsOptions {
    std::string shell;
    std::string output;  // "" = stdout
};

}  // namespace

void setupCompletions(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<CompletionsOptions>();
    CLI::App* sub = app.add_subcommand("completions", "Print the shell completion script for bash or zsh");
    sub->footer(
        "The script completes subcommands, their options, the values of options with a fixed set and\n"
        "file names for options that take a file. The Debian package installs both scripts already.\n"
        "Examples:\n"
        "  rtmtap completions bash > ~/.local/share/bash-completion/completions/rtmtap   for new shells\n"
        "  source <(rtmtap completions bash)                                              this shell only\n"
        "  rtmtap completions zsh -o ~/.zfunc/_rtmtap                   with fpath+=(~/.zfunc) in ~/.zshrc");
    sub->add_option("shell", o->shell, "The shell the script is for")->required()->check(CLI::IsMember({"bash", "zsh"}));
    sub->add_option("-o,--output", o->output, "Write the script to FILE instead of stdout");
    const CLI::App* root = &app;
    sub->callback([o, root, &exitCode] {
        exitCode = writeGenerated(o->output, [&](std::ostream& out) {
            if (o->shell == "bash") {
                Completions::writeBash(*root, out);
            } else {
                Completions::writeZsh(*root, out);
            }
        });
    });
}

}  // namespace rtmtap::cli
