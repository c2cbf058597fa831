// `rtmtap help-man`: prints rtmtap(1) in roff, from the same definitions as --help (cli/ManPage).
// Hidden (group ""): the build runs it to write the installed man page; people read `man rtmtap`.
#include "Commands.h"
#include "ManPage.h"
#include "Version.h"

#include <memory>

namespace rtmtap::cli {

void setupHelpMan(CLI::App& app, int& exitCode) {
    auto output = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand("help-man", "Print the rtmtap(1) man page (roff), written from this help");
    sub->group("");
    sub->footer(
        "Examples:\n"
        "  rtmtap help-man -o rtmtap.1 && man -l rtmtap.1   read it before installing\n"
        "  rtmtap help-man | groff -man -Tutf8 -ww -z      check that it renders without warnings");
    sub->add_option("-o,--output", *output, "Write the page to FILE instead of stdout");
    const CLI::App* root = &app;
    sub->callback([output, root, &exitCode] {
        exitCode = writeGenerated(*output, [root](std::ostream& out) {
            ManPage::write(*root, projectVersion(), buildDate(), out);
        });
    });
}

}  // namespace rtmtap::cli
