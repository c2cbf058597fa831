#include "FrameFilterOptions.h"

#include "TimeArg.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace rtmtap::cli {
namespace {

Kind parseKind(const std::string& text) {
    for (Kind kind : {Kind::Command, Kind::Event, Kind::Control, Kind::Other}) {
        if (text == toString(kind)) {
            return kind;
        }
    }
    throw std::invalid_argument(text);  // unreachable: CLI11 checked the value first
}

// A repeatable flag whose values may also be given comma-separated.
CLI::Option* repeatable(CLI::Option* option) {
    return option->delimiter(',')->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

int64_t nowWallUs() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A time flag: parsed when given, so "10m" means ten minutes before the command ran.
void timeOption(CLI::App& app, const std::string& name, std::optional<int64_t>& target, const std::string& help) {
    app.add_option_function<std::string>(
           name,
           [&target, name](const std::string& text) {
               try {
                   target = parseTimeArg(text, nowWallUs());
               } catch (const std::invalid_argument& e) {
                   throw CLI::ValidationError(name, e.what());
               }
           },
           help)
        ->group("Filters");
}

// One path segment as SQLite's JSON path wants it: a quoted key, then any [N] indexes.
std::string pathSegment(const std::string& segment, const std::string& text) {
    size_t bracket = segment.find('[');
    std::string key = segment.substr(0, bracket);
    if (key.empty() || key.find_first_of("\\\"]") != std::string::npos) {
        throw std::invalid_argument("invalid --where path in '" + text + "': empty key or one with \\, \" or ]");
    }
    std::string out = ".\"" + key + "\"";
    while (bracket != std::string::npos) {
        size_t close = segment.find(']', bracket);
        std::string index = segment.substr(bracket + 1, close == std::string::npos ? std::string::npos : close - bracket - 1);
        if (close == std::string::npos || index.empty() || index.find_first_not_of("0123456789") != std::string::npos) {
            throw std::invalid_argument("invalid --where path in '" + text + "': an index is [ and digits and ]");
        }
        out += "[" + index + "]";
        bracket = close + 1 < segment.size() ? close + 1 : std::string::npos;
        if (bracket != std::string::npos && segment[bracket] != '[') {
            throw std::invalid_argument("invalid --where path in '" + text + "': text after ]");
        }
    }
    return out;
}

JsonCondition::Type numberType(const std::string& value, SqlValue& out) {
    if (value.empty() || value.find_first_not_of("0123456789+-.eE") != std::string::npos) {
        return JsonCondition::Type::Text;
    }
    errno = 0;
    char* end = nullptr;
    long long integer = std::strtoll(value.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') {
        out = static_cast<int64_t>(integer);
        return JsonCondition::Type::Integer;
    }
    errno = 0;
    double real = std::strtod(value.c_str(), &end);
    if (errno == 0 && *end == '\0' && std::isfinite(real)) {
        out = real;
        return JsonCondition::Type::Real;
    }
    return JsonCondition::Type::Text;
}

}  // namespace

const char* const kFilterHelp =
    "Filters: values of one flag are OR'ed (--op ping,pong), different flags AND'ed.\n"
    "  --event/--command take globs (chat.*); --since/--until an ISO time (2026-11-25T10:00:00Z)\n"
    "  or a span back from now (10m, 2h, 1d); --text whole words, case-insensitive, all must occur\n"
    "  (full-text index); --where PATH=VALUE compares the JSON value at PATH (payload.message.id=5,\n"
    "  payload.message.text=\"a b\", a.b=null|true|false); --user is the user a frame is about.";

JsonCondition parseWhere(const std::string& text) {
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw std::invalid_argument("invalid --where '" + text + "': expected PATH=VALUE, e.g. payload.message.message_type=5");
    }
    std::string path = text.substr(0, eq);
    if (path.rfind("$.", 0) == 0) {
        path = path.substr(2);
    }
    JsonCondition c;
    c.path = "$";
    std::stringstream segments(path);
    std::string segment;
    while (std::getline(segments, segment, '.')) {
        c.path += pathSegment(segment, text);
    }
    if (path.empty() || path.back() == '.') {
        throw std::invalid_argument("invalid --where path in '" + text + "': empty key");
    }
    std::string value = text.substr(eq + 1);
    if (value == "null") {
        c.type = JsonCondition::Type::Null;
    } else if (value == "true") {
        c.type = JsonCondition::Type::True;
    } else if (value == "false") {
        c.type = JsonCondition::Type::False;
    } else if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        c.value = value.substr(1, value.size() - 2);
    } else {
        c.type = numberType(value, c.value);
        if (c.type == JsonCondition::Type::Text) {
            c.value = value;
        }
    }
    return c;
}

void addFrameFilterOptions(CLI::App& app, FrameFilter& filter, bool withSession) {
    const std::string group = "Filters";
    if (withSession) {
        repeatable(app.add_option("--session", filter.sessions, "Only frames of this session"))->group(group);
    }
    repeatable(app.add_option_function<std::vector<std::string>>(
                   "--dir",
                   [&filter](const std::vector<std::string>& values) {
                       for (const std::string& v : values) {
                           Direction dir{};
                           parseDirection(v, dir);
                           filter.dirs.push_back(dir);
                       }
                   },
                   "Only this direction: c2s (client to server) or s2c"))
        ->check(CLI::IsMember({"c2s", "s2c"}))
        ->group(group);
    repeatable(app.add_option_function<std::vector<std::string>>(
                   "--op",
                   [&filter](const std::vector<std::string>& values) {
                       for (const std::string& v : values) {
                           Opcode op{};
                           parseOpcode(v, op);
                           filter.ops.push_back(op);
                       }
                   },
                   "Only this opcode: text, binary, ping, pong or close"))
        ->check(CLI::IsMember({"text", "binary", "ping", "pong", "close"}))
        ->group(group);
    repeatable(app.add_option_function<std::vector<std::string>>(
                   "--kind",
                   [&filter](const std::vector<std::string>& values) {
                       for (const std::string& v : values) {
                           filter.kinds.push_back(parseKind(v));
                       }
                   },
                   "Only this kind: command, event, control (ping/pong/close) or other"))
        ->check(CLI::IsMember({"command", "event", "control", "other"}))
        ->group(group);
    repeatable(app.add_option("--event", filter.events, "Only events with this name; a glob such as 'chat.*'"))
        ->group(group);
    repeatable(app.add_option("--command", filter.commands, "Only commands with this name; a glob such as 'ws_*'"))
        ->group(group);
    repeatable(app.add_option("--channel", filter.channels, "Only frames about this channel id"))->group(group);
    repeatable(app.add_option("--message", filter.messages, "Only frames about this message id"))->group(group);
    repeatable(app.add_option("--user", filter.users, "Only frames about or from this user id"))->group(group);
    timeOption(app, "--since", filter.sinceUs, "Only frames recorded at or after T (ISO time, or 10m, 2h, 1d ago)");
    timeOption(app, "--until", filter.untilUs, "Only frames recorded at or before T");
    app.add_option_function<std::vector<std::string>>(
           "--text",
           [&filter](const std::vector<std::string>& values) {
               for (const std::string& value : values) {
                   std::stringstream words(value);
                   std::string word;
                   while (words >> word) {
                       filter.words.push_back(word);
                   }
               }
           },
           "Only frames whose payload holds every one of these words (full-text index)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
    app.add_option_function<std::vector<std::string>>(
           "--where",
           [&filter](const std::vector<std::string>& values) {
               for (const std::string& value : values) {
                   try {
                       filter.wheres.push_back(parseWhere(value));
                   } catch (const std::invalid_argument& e) {
                       throw CLI::ValidationError("--where", e.what());
                   }
               }
           },
           "Only frames whose JSON has VALUE at PATH: PATH=VALUE, e.g. payload.message.message_type=5")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->group(group);
    app.add_flag("--malformed", filter.malformed, "Only text frames that are not valid JSON")->group(group);
    app.add_flag("--edited", filter.edited, "Only frames a filter sent in place of another (flag edited)")->group(group);
    app.add_flag("--injected", filter.injected, "Only frames an injector sent (flag injected)")->group(group);
}

}  // namespace rtmtap::cli
