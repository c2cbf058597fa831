#include "Completions.h"

#include "CommandHelp.h"

#include <string>
#include <vector>

namespace rtmtap::cli {
namespace {

// Every command of the tree, root first, parents before their subcommands.
void collect(const CLI::App& app, std::vector<const CLI::App*>& into) {
    into.push_back(&app);
    for (const CLI::App* sub : CommandHelp::visibleSubcommands(app)) {
        collect(*sub, into);
    }
}

std::vector<const CLI::App*> allCommands(const CLI::App& root) {
    std::vector<const CLI::App*> commands;
    collect(root, commands);
    return commands;
}

std::string join(const std::vector<std::string>& words, const std::string& separator) {
    std::string text;
    for (const std::string& word : words) {
        text += (text.empty() ? "" : separator) + word;
    }
    return text;
}

bool positionalTakesFile(const CLI::App& app) {
    for (const CLI::Option* option : CommandHelp::visibleOptions(app)) {
        if (option->get_positional() && CommandHelp::takesFile(*option)) {
            return true;
        }
    }
    return false;
}

// --- bash -------------------------------------------------------------------------------------

// The `case "$prev"` arms of one command: what follows an option that takes a value.
void writeBashValues(const CLI::App& app, std::ostream& out) {
    std::vector<std::string> files, free;
    for (const CLI::Option* option : CommandHelp::visibleOptions(app)) {
        if (option->get_positional() || !CommandHelp::takesValue(*option)) {
            continue;
        }
        const std::string names = join(CommandHelp::names(*option), "|");
        const std::vector<std::string> values = CommandHelp::choices(*option);
        if (!values.empty()) {
            out << "                " << names << ") COMPREPLY=($(compgen -W \"" << join(values, " ")
                << "\" -- \"$cur\")); return ;;\n";
        } else if (CommandHelp::takesFile(*option)) {
            files.push_back(names);
        } else {
            free.push_back(names);
        }
    }
    if (!files.empty()) {
        out << "                " << join(files, "|") << ") _rtmtap_files; return ;;\n";
    }
    if (!free.empty()) {
        out << "                " << join(free, "|") << ") return ;;  # a value only you know\n";
    }
}

void writeBashCommand(const CLI::App& app, std::ostream& out) {
    std::vector<std::string> options, subcommands;
    for (const CLI::Option* option : CommandHelp::visibleOptions(app)) {
        if (!option->get_positional()) {
            for (const std::string& name : CommandHelp::names(*option)) {
                options.push_back(name);
            }
        }
    }
    for (const CLI::App* sub : CommandHelp::visibleSubcommands(app)) {
        subcommands.push_back(sub->get_name());
    }
    out << "        \"" << CommandHelp::commandPath(app) << "\")\n";
    out << "            case \"$prev\" in\n";
    writeBashValues(app, out);
    out << "            esac\n";
    out << "            options=\"" << join(options, " ") << "\"\n";
    out << "            subcommands=\"" << join(subcommands, " ") << "\"\n";
    out << "            files=" << (positionalTakesFile(app) ? 1 : 0) << " ;;\n";
}

// --- zsh --------------------------------------------------------------------------------------

std::string zshFunction(const CLI::App& app) {
    std::string name = "_" + CommandHelp::commandPath(app);
    for (char& c : name) {
        c = (c == ' ' || c == '-') ? '_' : c;
    }
    return name;
}

// A description for an _arguments spec or a _describe entry: one line, at most ~70 characters,
// with what zsh reads specially escaped ('\'' for single quotes; \ [ ] : inside the spec).
std::string zshText(std::string text) {
    const auto stop = text.find_first_of("\n");
    text = text.substr(0, stop);
    if (text.size() > 72) {
        const auto space = text.rfind(' ', 69);
        text = text.substr(0, space == std::string::npos ? 69 : space) + "...";
    }
    std::string out;
    for (char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else if (c == '\\' || c == '[' || c == ']' || c == ':') {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out;
}

std::string zshAction(const CLI::Option& option) {
    const std::vector<std::string> values = CommandHelp::choices(option);
    if (!values.empty()) {
        return "(" + join(values, " ") + ")";
    }
    return CommandHelp::takesFile(option) ? "_files" : " ";
}

bool repeatable(const CLI::Option& option) {
    return option.get_items_expected_max() > 1 ||
           option.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
}

// One _arguments spec per name of an option; the names of one option exclude each other.
void writeZshOption(const CLI::Option& option, std::ostream& out) {
    const std::vector<std::string> names = CommandHelp::names(option);
    std::string exclusions;
    if (names.size() > 1) {
        exclusions = "(" + join(names, " ") + ")";
    }
    if (option.get_lnames() == std::vector<std::string>{"help"}) {
        exclusions = "(- *)";  // --help ends the command line
    }
    const std::string hint = zshText(CommandHelp::valueHint(option));
    for (const std::string& name : names) {
        out << "    '" << (repeatable(option) ? "*" : exclusions) << name;
        if (CommandHelp::takesValue(option)) {
            out << (name.size() == 2 ? "+" : "=");
        }
        out << "[" << zshText(option.get_description()) << "]";
        if (CommandHelp::takesValue(option)) {
            out << ":" << hint << ":" << zshAction(option);
        }
        out << "' \\\n";
    }
}

void writeZshPositionals(const CLI::App& app, std::ostream& out) {
    int index = 1;
    for (const CLI::Option* option : CommandHelp::visibleOptions(app)) {
        if (!option->get_positional()) {
            continue;
        }
        const std::string position = option->get_items_expected_max() > 1 ? "*" : std::to_string(index++);
        out << "    '" << position << ":" << zshText(option->get_name(true)) << ":" << zshAction(*option) << "' \\\n";
    }
}

void writeZshCommand(const CLI::App& app, std::ostream& out) {
    const std::vector<const CLI::App*> subcommands = CommandHelp::visibleSubcommands(app);
    out << zshFunction(app) << "() {\n";
    if (!subcommands.empty()) {
        out << "  local curcontext=\"$curcontext\" state line\n  typeset -A opt_args\n";
    }
    out << "  _arguments -s -S" << (subcommands.empty() ? "" : " -C") << " \\\n";
    for (const CLI::Option* option : CommandHelp::visibleOptions(app)) {
        if (!option->get_positional()) {
            writeZshOption(*option, out);
        }
    }
    if (subcommands.empty()) {
        writeZshPositionals(app, out);
        out << "    && return 0\n  return 1\n}\n\n";
        return;
    }
    out << "    '1: :->command' \\\n    '*:: :->args' && return 0\n";
    out << "  case $state in\n    command)\n      local -a commands\n      commands=(\n";
    for (const CLI::App* sub : subcommands) {
        out << "        '" << sub->get_name() << ":" << zshText(sub->get_description()) << "'\n";
    }
    out << "      )\n      _describe -t commands '" << CommandHelp::commandPath(app) << " command' commands ;;\n";
    out << "    args)\n      case $line[1] in\n";
    for (const CLI::App* sub : subcommands) {
        out << "        " << sub->get_name() << ") " << zshFunction(*sub) << " ;;\n";
    }
    out << "      esac ;;\n  esac\n}\n\n";
}

}  // namespace

void Completions::writeBash(const CLI::App& root, std::ostream& out) {
    out << "# bash completion for rtmtap, written by `rtmtap completions bash` from rtmtap's own options.\n"
           "# Completes subcommands, their options, the values of options with a fixed set, and file\n"
           "# names where an option or argument takes a file.\n\n"
           "_rtmtap_files() {\n"
           "    local IFS=$'\\n'\n"
           "    compopt -o filenames 2>/dev/null\n"
           "    COMPREPLY+=($(compgen -f -- \"$cur\"))\n"
           "}\n\n"
           "_rtmtap() {\n"
           "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"\" path=\"rtmtap\" i\n"
           "    local options=\"\" subcommands=\"\" files=0\n"
           "    COMPREPLY=()\n"
           "    [ \"$COMP_CWORD\" -gt 0 ] && prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
           "    # --db=FILE: bash splits the word at '='.\n"
           "    if [ \"$cur\" = \"=\" ]; then\n"
           "        cur=\"\"\n"
           "    elif [ \"$prev\" = \"=\" ] && [ \"$COMP_CWORD\" -gt 1 ]; then\n"
           "        prev=\"${COMP_WORDS[COMP_CWORD-2]}\"\n"
           "    fi\n"
           "    # Which (sub)command the words before the cursor name.\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        case \"$path ${COMP_WORDS[i]}\" in\n";
    std::vector<std::string> paths;
    for (const CLI::App* app : allCommands(root)) {
        if (app != &root) {
            paths.push_back("\"" + CommandHelp::commandPath(*app) + "\"");
        }
    }
    out << "            " << join(paths, "|") << ") path=\"$path ${COMP_WORDS[i]}\" ;;\n"
        << "        esac\n    done\n    case \"$path\" in\n";
    for (const CLI::App* app : allCommands(root)) {
        writeBashCommand(*app, out);
    }
    out << "    esac\n"
           "    if [[ \"$cur\" == -* ]]; then\n"
           "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
           "    elif [ -n \"$subcommands\" ]; then\n"
           "        COMPREPLY=($(compgen -W \"$subcommands\" -- \"$cur\"))\n"
           "    elif [ \"$files\" = 1 ]; then\n"
           "        _rtmtap_files\n"
           "    else\n"
           "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
           "    fi\n"
           "}\n\n"
           "complete -F _rtmtap rtmtap\n";
}

void Completions::writeZsh(const CLI::App& root, std::ostream& out) {
    out << "#compdef rtmtap\n"
           "# zsh completion for rtmtap, written by `rtmtap completions zsh` from rtmtap's own options.\n\n";
    const std::vector<const CLI::App*> commands = allCommands(root);
    // Subcommands first: the root's function, defined last, is the one the file runs.
    for (auto it = commands.rbegin(); it != commands.rend(); ++it) {
        writeZshCommand(**it, out);
    }
    out << "_rtmtap \"$@\"\n";
}

}  // namespace rtmtap::cli
