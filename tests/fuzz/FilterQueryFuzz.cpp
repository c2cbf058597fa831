// The viewer's frame filters from a URL's query parameters (ui/FilterQuery: frameFilterOf, and
// filterFlags for the "query" command line of /api/frames) on any name/value pairs.
// Input: pairs separated by '\n', a pair's name and value by its first '=' (bytes as they are: the
// server hands over what POCO decoded from %XX, any byte included).
// Checks: both throw nothing but std::invalid_argument, with a message, and for the same pairs
// (the one cannot accept what the other refuses); and the flags filterFlags writes, read as sh
// reads them, parse with `rtmtap query`'s own options into the same filter.
#include "ui/FilterQuery.h"
#include "store/FrameFilter.h"
#include "tests/fuzz/FuzzCheck.h"
#include "view/FrameFilterOptions.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace rtmtap;

namespace {

// The endpoint's own parameters, as /api/frames has them: skipped by both functions.
const std::set<std::string> kOwn = {"offset", "limit", "at", "order", "token"};

ui::QueryParams pairsOf(std::string_view text) {
    ui::QueryParams params;
    while (!text.empty()) {
        const size_t end = std::min(text.find('\n'), text.size());
        const std::string_view line = text.substr(0, end);
        const size_t eq = line.find('=');
        params.emplace_back(std::string(line.substr(0, eq)),
                            eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1)));
        text.remove_prefix(std::min(end + 1, text.size()));
    }
    return params;
}

// A byte sh takes literally outside quotes (what view/shellWord leaves bare).
bool literal(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./:@%+=,-", c) != nullptr;
}

// The words of a command line as sh splits it, for the quoting view/shellWord writes: bare
// literal bytes, '...' and \' between them, words apart by one space.
std::vector<std::string> shellWords(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool inWord = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == ' ') {
            if (inWord) {
                words.push_back(word);
            }
            word.clear();
            inWord = false;
        } else if (c == '\'') {
            const size_t end = line.find('\'', i + 1);
            FUZZ_CHECK(end != std::string::npos);
            word.append(line, i + 1, end - i - 1);
            i = end;
            inWord = true;
        } else if (c == '\\') {
            FUZZ_CHECK(i + 1 < line.size() && line[i + 1] == '\'');
            word += line[++i];
            inWord = true;
        } else {
            FUZZ_CHECK(literal(c));
            word += c;
            inWord = true;
        }
    }
    if (inWord) {
        words.push_back(word);
    }
    return words;
}

// The two filters select the same frames: the same SQL with the same values. A relative
// --since/--until counts back from the moment it was parsed, so only its presence is compared.
bool sameFrames(FrameFilter a, FrameFilter b) {
    if (a.sinceUs.has_value() != b.sinceUs.has_value() || a.untilUs.has_value() != b.untilUs.has_value()) {
        return false;
    }
    a.sinceUs = b.sinceUs = a.untilUs = b.untilUs = std::nullopt;
    const FrameFilterSql x = toSql(a, 1);
    const FrameFilterSql y = toSql(b, 1);
    return x.condition == y.condition && x.values == y.values;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ui::QueryParams params = pairsOf(std::string_view(reinterpret_cast<const char*>(data), size));
    FrameFilter filter;
    bool parsed = true;
    try {
        filter = ui::frameFilterOf(params, kOwn);
    } catch (const std::invalid_argument& e) {
        parsed = false;
        FUZZ_CHECK(std::strlen(e.what()) > 0);
    }
    std::string flags;
    try {
        flags = ui::filterFlags(params, kOwn);
    } catch (const std::invalid_argument& e) {
        FUZZ_CHECK(!parsed);  // it names an unknown parameter, which frameFilterOf refused too
        return 0;
    }
    if (!parsed) {
        return 0;
    }
    // `rtmtap query` + the flags: the frames the page shows.
    FrameFilter again;
    CLI::App app("query");
    view::addFrameFilterOptions(app, again);
    view::addFindingOption(app, again);
    std::vector<std::string> words = shellWords(flags);
    std::vector<std::string> reversed(words.rbegin(), words.rend());  // CLI11 takes them so
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "the flags do not parse: %s: %s\n", flags.c_str(), e.what());
        FUZZ_CHECK(false);
    }
    FUZZ_CHECK(sameFrames(filter, again));
    return 0;
}
