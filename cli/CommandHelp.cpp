#include "CommandHelp.h"

#include <regex>
#include <sstream>

namespace rtmtap::cli {
namespace {

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\n");
    if (begin == std::string::npos) {
        return "";
    }
    return text.substr(begin, text.find_last_not_of(" \t\n") - begin + 1);
}

// "  rtmtap lint 12 --fail-on warn   one session": the command ends at the first run of two or
// more spaces (commands themselves use single spaces).
Example parseExample(const std::string& line) {
    const std::string text = trim(line);
    const auto gap = text.find("  ");
    if (gap == std::string::npos) {
        return {text, ""};
    }
    return {text.substr(0, gap), trim(text.substr(gap))};
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::istringstream in(text);
    std::string part;
    while (std::getline(in, part, separator)) {
        parts.push_back(part);
    }
    return parts;
}

}  // namespace

FooterParts CommandHelp::splitFooter(const std::string& footer) {
    FooterParts parts;
    const std::string heading = kExamplesHeading;
    // The heading starts a line: at the very start or after a newline.
    auto at = footer.rfind("\n" + heading);
    if (at != std::string::npos) {
        ++at;
    } else if (footer.compare(0, heading.size(), heading) == 0) {
        at = 0;
    } else {
        parts.prose = trim(footer);
        return parts;
    }
    parts.prose = trim(footer.substr(0, at));
    for (const std::string& line : split(footer.substr(at + heading.size()), '\n')) {
        if (!trim(line).empty()) {
            parts.examples.push_back(parseExample(line));
        }
    }
    return parts;
}

std::vector<const CLI::App*> CommandHelp::visibleSubcommands(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); });
}

std::vector<const CLI::Option*> CommandHelp::visibleOptions(const CLI::App& app) {
    return app.get_options([](const CLI::Option* option) { return !option->get_group().empty(); });
}

std::string CommandHelp::commandPath(const CLI::App& app, const std::string& rootName) {
    const CLI::App* parent = app.get_parent();
    if (parent == nullptr) {
        return rootName;
    }
    return commandPath(*parent, rootName) + " " + app.get_name();
}

bool CommandHelp::takesValue(const CLI::Option& option) {
    return option.get_expected_max() > 0;  // flags (and --help, --version) expect 0 values
}

bool CommandHelp::takesFile(const CLI::Option& option) {
    if (!takesValue(option)) {
        return false;
    }
    static const std::regex kFileType(R"(\bFILE\b)");  // ExistingFile's "FILE", or "SESSION...|FILE"
    const std::vector<std::string> parts = split(option.get_type_name(), ':');
    for (const std::string& part : parts) {
        if (std::regex_search(part, kFileType)) {
            return true;
        }
    }
    // A text value whose help says what it is ("JSONL file", "SQLite database", "PEM file");
    // numbers never are files, whatever their help mentions ("open-file limit").
    static const std::regex kFileWords(R"(\b(file|FILE|database|PEM)\b(?! descriptor))");
    return !parts.empty() && parts.front() == "TEXT" && std::regex_search(option.get_description(), kFileWords);
}

std::vector<std::string> CommandHelp::choices(const CLI::Option& option) {
    static const std::regex kSet(R"(\{([^{}]*)\})");
    std::smatch match;
    const std::string type = option.get_type_name();
    if (!std::regex_search(type, match, kSet)) {
        return {};
    }
    std::vector<std::string> values;
    for (const std::string& value : split(match[1].str(), ',')) {
        if (!trim(value).empty()) {
            values.push_back(trim(value));
        }
    }
    return values;
}

std::vector<std::string> CommandHelp::names(const CLI::Option& option) {
    std::vector<std::string> result;
    for (const std::string& name : option.get_snames()) {
        result.push_back("-" + name);
    }
    for (const std::string& name : option.get_lnames()) {
        result.push_back("--" + name);
    }
    if (result.empty()) {
        result.push_back(option.get_name(true));
    }
    return result;
}

std::string CommandHelp::valueHint(const CLI::Option& option) {
    if (!takesValue(option)) {
        return "";
    }
    const std::vector<std::string> values = choices(option);
    if (!values.empty()) {
        std::string hint;
        for (const std::string& value : values) {
            hint += (hint.empty() ? "" : "|") + value;
        }
        return hint;
    }
    const std::vector<std::string> parts = split(option.get_type_name(), ':');
    if (parts.empty()) {
        return "VALUE";
    }
    if (parts.front() == "TEXT" && takesFile(option)) {
        return "FILE";
    }
    return parts.front();
}

}  // namespace rtmtap::cli
