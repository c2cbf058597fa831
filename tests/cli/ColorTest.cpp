// --color and the palette: always/never decide alone; auto needs a terminal, no NO_COLOR and a
// TERM that is not "dumb". The environment is restored after every test.
#include "cli/Color.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <optional>
#include <string>
#include <unistd.h>

namespace rtmtap {
namespace {

using cli::ColorMode;

// Sets (or unsets) one environment variable for the life of the object.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        if (value) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

// Both ends of a pipe: a descriptor that is certainly not a terminal.
class Pipe {
public:
    Pipe() { EXPECT_EQ(::pipe(fds_), 0); }
    ~Pipe() {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    int writeEnd() const { return fds_[1]; }

private:
    int fds_[2] = {-1, -1};
};

// A pseudo-terminal: its follower end is a terminal as isatty() sees it, wherever the test runs.
class PseudoTerminal {
public:
    PseudoTerminal() {
        leader_ = ::posix_openpt(O_RDWR | O_NOCTTY);
        if (leader_ >= 0 && ::grantpt(leader_) == 0 && ::unlockpt(leader_) == 0) {
            const char* name = ::ptsname(leader_);
            follower_ = name ? ::open(name, O_RDWR | O_NOCTTY) : -1;
        }
    }
    ~PseudoTerminal() {
        if (follower_ >= 0) {
            ::close(follower_);
        }
        if (leader_ >= 0) {
            ::close(leader_);
        }
    }
    PseudoTerminal(const PseudoTerminal&) = delete;
    PseudoTerminal& operator=(const PseudoTerminal&) = delete;
    int fd() const { return follower_; }

private:
    int leader_ = -1;
    int follower_ = -1;
};

TEST(ColorTest, AlwaysAndNeverIgnoreTheEnvironment) {
    Pipe pipe;
    ScopedEnv noColor("NO_COLOR", "1");
    ScopedEnv term("TERM", "dumb");
    EXPECT_TRUE(cli::colorEnabled(ColorMode::Always, pipe.writeEnd()));
    EXPECT_FALSE(cli::colorEnabled(ColorMode::Never, pipe.writeEnd()));
}

TEST(ColorTest, AutoIsOffOnAPipe) {
    Pipe pipe;
    ScopedEnv noColor("NO_COLOR", nullptr);
    ScopedEnv term("TERM", "xterm-256color");
    EXPECT_FALSE(cli::colorEnabled(ColorMode::Auto, pipe.writeEnd()));
    EXPECT_FALSE(cli::colorEnabled(ColorMode::Auto, -1));  // not even a descriptor
}

TEST(ColorTest, AutoOnATerminalHonoursNoColorAndDumbTerminals) {
    PseudoTerminal terminal;
    const int fd = terminal.fd();
    if (fd < 0) {
        GTEST_SKIP() << "no pseudo-terminal available";
    }
    ASSERT_EQ(::isatty(fd), 1);
    {
        ScopedEnv noColor("NO_COLOR", nullptr);
        ScopedEnv term("TERM", "xterm");
        EXPECT_TRUE(cli::colorEnabled(ColorMode::Auto, fd));
    }
    {
        ScopedEnv noColor("NO_COLOR", "");  // empty counts as unset (no-color.org)
        ScopedEnv term("TERM", nullptr);
        EXPECT_TRUE(cli::colorEnabled(ColorMode::Auto, fd));
    }
    {
        ScopedEnv noColor("NO_COLOR", "1");
        ScopedEnv term("TERM", "xterm");
        EXPECT_FALSE(cli::colorEnabled(ColorMode::Auto, fd));
    }
    {
        ScopedEnv noColor("NO_COLOR", nullptr);
        ScopedEnv term("TERM", "dumb");
        EXPECT_FALSE(cli::colorEnabled(ColorMode::Auto, fd));
    }
}

TEST(ColorTest, ScopedEnvRestores) {
    ::setenv("RTMTAP_COLOR_TEST", "before", 1);
    {
        ScopedEnv env("RTMTAP_COLOR_TEST", nullptr);
        EXPECT_EQ(std::getenv("RTMTAP_COLOR_TEST"), nullptr);
    }
    ASSERT_NE(std::getenv("RTMTAP_COLOR_TEST"), nullptr);
    EXPECT_STREQ(std::getenv("RTMTAP_COLOR_TEST"), "before");
    ::unsetenv("RTMTAP_COLOR_TEST");
}

TEST(ColorTest, PaletteOffReturnsTextUnchanged) {
    cli::Palette off;
    EXPECT_FALSE(off.on());
    for (const std::string& text : {std::string(), std::string("chat.postMessage"), std::string("a\x1b[b")}) {
        EXPECT_EQ(off.dim(text), text);
        EXPECT_EQ(off.bold(text), text);
        EXPECT_EQ(off.c2s(text), text);
        EXPECT_EQ(off.s2c(text), text);
        EXPECT_EQ(off.warn(text), text);
        EXPECT_EQ(off.error(text), text);
    }
}

TEST(ColorTest, PaletteOnWrapsInSgrCodes) {
    cli::Palette on(true);
    EXPECT_TRUE(on.on());
    EXPECT_EQ(on.dim("t"), "\x1b[2mt\x1b[0m");
    EXPECT_EQ(on.bold("t"), "\x1b[1mt\x1b[0m");
    EXPECT_EQ(on.c2s("->"), "\x1b[32m->\x1b[0m");
    EXPECT_EQ(on.s2c("<-"), "\x1b[36m<-\x1b[0m");
    EXPECT_EQ(on.warn("w"), "\x1b[33mw\x1b[0m");
    EXPECT_EQ(on.error("e"), "\x1b[31me\x1b[0m");
}

ColorMode parseColor(std::vector<std::string> args, int* exitCode = nullptr) {
    CLI::App app{"test"};
    ColorMode mode = ColorMode::Never;
    cli::addColorOption(app, mode);
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    try {
        app.parse(reversed);
        if (exitCode) {
            *exitCode = 0;
        }
    } catch (const CLI::ParseError& e) {
        if (exitCode) {
            *exitCode = e.get_exit_code();
        }
    }
    return mode;
}

TEST(ColorTest, OptionTakesAutoNeverAlwaysWithAutoByDefault) {
    EXPECT_EQ(parseColor({}), ColorMode::Auto);
    EXPECT_EQ(parseColor({"--color=never"}), ColorMode::Never);
    EXPECT_EQ(parseColor({"--color", "always"}), ColorMode::Always);
    EXPECT_EQ(parseColor({"--color=auto"}), ColorMode::Auto);
    int code = 0;
    parseColor({"--color=sometimes"}, &code);
    EXPECT_NE(code, 0);
    parseColor({"--color"}, &code);
    EXPECT_NE(code, 0);
}

}  // namespace
}  // namespace rtmtap
