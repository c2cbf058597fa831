#include "Color.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <unistd.h>

namespace rtmtap::cli {

void addColorOption(CLI::App& app, ColorMode& mode) {
    mode = ColorMode::Auto;
    static const std::map<std::string, ColorMode> kModes = {
        {"auto", ColorMode::Auto}, {"never", ColorMode::Never}, {"always", ColorMode::Always}};
    app.add_option_function<std::string>(
           "--color", [&mode](const std::string& value) { mode = kModes.at(value); },
           "Colour the readable output: auto (on a terminal, unless NO_COLOR is set), never, always")
        ->check(CLI::IsMember({"auto", "never", "always"}))
        ->type_name("WHEN")
        ->default_str("auto");
}

bool colorEnabled(ColorMode mode, int fd) {
    if (mode != ColorMode::Auto) {
        return mode == ColorMode::Always;
    }
    // https://no-color.org: present and not empty means no colour.
    const char* noColor = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return ::isatty(fd) == 1 && (noColor == nullptr || *noColor == '\0') &&
           (term == nullptr || std::strcmp(term, "dumb") != 0);
}

std::string Palette::wrap(const char* sgr, std::string_view text) const {
    if (!on_ || text.empty()) {  // no codes around nothing
        return std::string(text);
    }
    std::string out = "\x1b[";
    out += sgr;
    out += 'm';
    out += text;
    out += "\x1b[0m";
    return out;
}

std::string Palette::dim(std::string_view text) const {
    return wrap("2", text);
}

std::string Palette::bold(std::string_view text) const {
    return wrap("1", text);
}

std::string Palette::c2s(std::string_view text) const {
    return wrap("32", text);
}

std::string Palette::s2c(std::string_view text) const {
    return wrap("36", text);
}

std::string Palette::warn(std::string_view text) const {
    return wrap("33", text);
}

std::string Palette::error(std::string_view text) const {
    return wrap("31", text);
}

}  // namespace rtmtap::cli
