// Every subcommand's --help ends with 2-5 examples, and every example is a command line rtmtap
// accepts: its subcommand, options and values parse (files it names need not exist).
#include "cli/CommandHelp.h"
#include "cli/Commands.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

using namespace rtmtap;

namespace {

struct Parsed {};  // thrown once parsing and validation are done, before any command runs

// The words of a shell command line, as sh would split it (quotes, backslashes).
std::vector<std::string> shellWords(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool inWord = false;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
            } else {
                word += c;
            }
        } else if (c == '\'' || c == '"') {
            quote = c;
            inWord = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            word += line[++i];
            inWord = true;
        } else if (c == ' ') {
            if (inWord) {
                words.push_back(word);
            }
            word.clear();
            inWord = false;
        } else {
            word += c;
            inWord = true;
        }
    }
    if (inWord) {
        words.push_back(word);
    }
    return words;
}

// rtmtap's arguments in an example: after the word "rtmtap" (or "<(rtmtap"), up to a pipe, a
// redirection, && or the ")" that closes a process substitution.
std::vector<std::string> rtmtapArguments(const std::string& line) {
    std::vector<std::string> args;
    bool started = false;
    for (std::string word : shellWords(line)) {
        if (!started) {
            started = word == "rtmtap" || word == "<(rtmtap";
            continue;
        }
        if (word == "|" || word == ">" || word == "<" || word == "&&" || word == ";" || word == "||") {
            break;
        }
        const bool closes = !word.empty() && word.back() == ')';
        if (closes) {
            word.pop_back();
        }
        args.push_back(word);
        if (closes) {
            break;
        }
    }
    return args;
}

void forEachCommand(const CLI::App& app, const std::function<void(const CLI::App&)>& visit) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        visit(*sub);
        forEachCommand(*sub, visit);
    }
}

}  // namespace

TEST(HelpExamples, EverySubcommandsHelpEndsWithTwoToFiveExamples) {
    CLI::App app{"rtmtap"};
    int exitCode = 0;
    cli::registerCommands(app, exitCode);
    int commands = 0;
    forEachCommand(app, [&](const CLI::App& sub) {
        ++commands;
        const std::string path = cli::CommandHelp::commandPath(sub);
        const std::string help = sub.help();
        const auto at = help.rfind("\nExamples:\n");
        ASSERT_NE(at, std::string::npos) << path << " --help has no Examples: footer";
        const cli::FooterParts parts = cli::CommandHelp::splitFooter(sub.get_footer());
        EXPECT_GE(parts.examples.size(), 2u) << path;
        EXPECT_LE(parts.examples.size(), 5u) << path;
        // Nothing but examples after the heading: each line is an rtmtap command.
        for (const cli::Example& example : parts.examples) {
            EXPECT_NE(example.command.find("rtmtap "), std::string::npos) << path << ": '" << example.command << "'";
        }
    });
    EXPECT_GE(commands, 17) << "registerCommands lost subcommands";
}

TEST(HelpExamples, EveryExampleIsACommandLineRtmtapAccepts) {
    CLI::App tree{"rtmtap"};
    int exitCode = 0;
    cli::registerCommands(tree, exitCode);
    std::vector<std::string> examples;
    forEachCommand(tree, [&](const CLI::App& sub) {
        for (const cli::Example& example : cli::CommandHelp::splitFooter(sub.get_footer()).examples) {
            examples.push_back(example.command);
        }
    });
    ASSERT_GE(examples.size(), 34u);
    for (const std::string& example : examples) {
        std::vector<std::string> args = rtmtapArguments(example);
        ASSERT_FALSE(args.empty()) << example;
        // A fresh tree per line (CLI11 keeps what it parsed); the root's parse-complete callback
        // runs after every check and before the subcommands' callbacks, so nothing runs.
        CLI::App app{"rtmtap"};
        cli::registerCommands(app, exitCode);
        app.parse_complete_callback([] { throw Parsed{}; });
        std::reverse(args.begin(), args.end());  // CLI11 takes them last first
        try {
            app.parse(args);
            ADD_FAILURE() << example << ": parsed, but the check did not run";
        } catch (const Parsed&) {
        } catch (const CLI::ValidationError& e) {
            // An example's files (cert.pem) are not here; anything else is a wrong example.
            EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << example << ": " << e.what();
        } catch (const CLI::Error& e) {
            ADD_FAILURE() << example << ": " << e.get_name() << ": " << e.what();
        }
    }
}

TEST(HelpExamples, FooterSplitsIntoProseAndExamples) {
    const cli::FooterParts parts = cli::CommandHelp::splitFooter(
        "Exit: 0 ok.\nExamples:\n  rtmtap lint 12 --fail-on warn   one session\n  rtmtap lint\n");
    EXPECT_EQ(parts.prose, "Exit: 0 ok.");
    ASSERT_EQ(parts.examples.size(), 2u);
    EXPECT_EQ(parts.examples[0].command, "rtmtap lint 12 --fail-on warn");
    EXPECT_EQ(parts.examples[0].comment, "one session");
    EXPECT_EQ(parts.examples[1].command, "rtmtap lint");
    EXPECT_EQ(parts.examples[1].comment, "");
    EXPECT_TRUE(cli::CommandHelp::splitFooter("no examples here").examples.empty());
}
