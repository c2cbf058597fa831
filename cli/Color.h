#pragma once
// Colour in readable output, only where a person looks at it (STYLE.md): --color=auto (the
// default) colours when the stream is a terminal, NO_COLOR is unset or empty and TERM is not
// "dumb"; --color=always and --color=never decide alone. JSON output is never coloured.
#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace rtmtap::cli {

enum class ColorMode { Auto, Never, Always };

// Adds --color=auto|never|always (default auto) to app, filling mode.
void addColorOption(CLI::App& app, ColorMode& mode);

// Whether to colour what goes to file descriptor fd in this mode (reads NO_COLOR and TERM).
bool colorEnabled(ColorMode mode, int fd);

// SGR wrappers; each returns text unchanged when the palette is off.
class Palette {
public:
    explicit Palette(bool on = false) : on_(on) {}
    bool on() const { return on_; }

    std::string dim(std::string_view text) const;      // times, ids: secondary detail
    std::string bold(std::string_view text) const;     // event and command names, headings
    std::string c2s(std::string_view text) const;      // client-to-server arrows (green)
    std::string s2c(std::string_view text) const;      // server-to-client arrows (cyan)
    std::string warn(std::string_view text) const;     // flags like malformed, dropped (yellow)
    std::string error(std::string_view text) const;    // errors, abnormal endings (red)

private:
    std::string wrap(const char* sgr, std::string_view text) const;
    bool on_;
};

}  // namespace rtmtap::cli
