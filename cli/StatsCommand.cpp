#include "StatsCommand.h"

#include "Commands.h"
#include "store/Gaps.h"
#include "store/JsonOut.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "view/StatsJson.h"
#include "view/TerminalText.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

constexpr size_t kListed = 20;  // names and silences shown in the text form (JSON has them all)

// Recorded text shown to people on one line, long text cut.
std::string shown(const std::string& text, size_t width = 60) {
    return terminalLine(text, width);
}

std::string ms(int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f ms", us / 1000.0);
    return buf;
}

std::string seconds(int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f s", us / 1e6);
    return buf;
}

std::string bytes(int64_t n) {
    char buf[32];
    if (n < 1024) {
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(n));
    } else if (n < 1024 * 1024) {
        std::snprintf(buf, sizeof buf, "%.1f KiB", n / 1024.0);
    } else {
        std::snprintf(buf, sizeof buf, "%.1f MiB", n / (1024.0 * 1024.0));
    }
    return buf;
}

// Whether an endingLabel() names an end worth a second look: anything but open or a clean 1000
// (normal) or 1001 (going away) close; an error always shows as ": reason" in the label.
bool abnormalLabel(const std::string& label) {
    if (label == "open") {
        return false;
    }
    bool cleanCode = label.rfind("1000", 0) == 0 || label.rfind("1001", 0) == 0;
    bool cleanTail = label.size() == 4 || label.compare(4, 4, " by ") == 0;
    return !(cleanCode && cleanTail && label.find(": ") == std::string::npos);
}

void printTotals(const SessionStats& s, std::ostream& out) {
    char line[128];
    std::snprintf(line, sizeof line, "  %-6s %12s %12s\n", "", "frames", "bytes");
    out << line;
    auto row = [&](const char* name, int64_t frames, int64_t size) {
        std::snprintf(line, sizeof line, "  %-6s %12lld %12s\n", name, static_cast<long long>(frames), bytes(size).c_str());
        out << line;
    };
    row("c2s", s.c2s.frames, s.c2s.bytes);
    row("s2c", s.s2c.frames, s.s2c.bytes);
    row("total", s.c2s.frames + s.s2c.frames, s.c2s.bytes + s.s2c.bytes);
}

void printRate(const RateSeries& rate, std::ostream& out, bool unicode, const Palette& palette) {
    if (rate.counts.empty()) {
        return;
    }
    int64_t peak = *std::max_element(rate.counts.begin(), rate.counts.end());
    char line[160];
    std::snprintf(line, sizeof line, ": %lld s buckets, peak %.1f frames/s\n",
                  static_cast<long long>(rate.bucket_us / 1'000'000), peak * 1e6 / static_cast<double>(rate.bucket_us));
    out << palette.bold("rate") << line << "  |" << sparkline(rate.counts, unicode) << "|\n";
}

void printNames(const char* title, const std::vector<NameCount>& counts, std::ostream& out, const Palette& palette) {
    if (counts.empty()) {
        return;
    }
    out << palette.bold(title) << " (" << counts.size() << (counts.size() == 1 ? " name):\n" : " names):\n");
    char count[32];
    for (size_t i = 0; i < std::min(counts.size(), kListed); ++i) {
        std::snprintf(count, sizeof count, "  %10lld  ", static_cast<long long>(counts[i].count));
        out << count << shown(counts[i].name) << '\n';  // a name may be longer in bytes than any buffer
    }
    if (counts.size() > kListed) {
        out << "  ... " << counts.size() - kListed << " more (--json lists them all)\n";
    }
}

std::string percentilesText(const Percentiles& p) {
    return "p50 " + ms(p.p50) + "  p99 " + ms(p.p99) + "  max " + ms(p.max);
}

// One keepalive of the web client, in the form of the ping/pong line.
// unit: singular ("call"); an s is added unless there is one.
void printRoundTrips(const char* title, const char* unit, const KeepaliveRoundTrips& k, std::ostream& out,
                     const Palette& palette) {
    std::string unanswered = std::to_string(k.unanswered) + " never answered";
    out << palette.bold(title) << ": " << k.sent << ' ' << unit << (k.sent == 1 ? "" : "s") << ", " << k.roundTrip.count
        << " answered, "
        << (k.unanswered ? palette.warn(unanswered) : unanswered) << '\n';
    if (k.roundTrip.count) {
        out << "  round trip " << percentilesText(k.roundTrip) << '\n';
    }
}

// All sessions: how many reconnects, the number to watch. One session: whether it was one, since
// the ending line shows the code but not that it was the client giving up on a keepalive.
void printReconnects(const SessionStats& s, std::ostream& out, const Palette& palette) {
    const KeepaliveStats& k = s.keepalive;
    const std::string after = std::to_string(k.reconnectsAfterUnanswered) + " after an unanswered keepalive";
    if (!s.session) {
        out << palette.bold("reconnects") << " (closed by the client with 3000): " << k.reconnects;
        out << (k.reconnects ? ", " + (k.reconnectsAfterUnanswered ? palette.warn(after) : after) : std::string()) << '\n';
        return;
    }
    out << palette.bold("reconnect") << ": ";
    if (!k.reconnects) {
        out << "no\n";
    } else if (k.reconnectsAfterUnanswered) {
        out << palette.warn("yes, closed by the client with 3000 after an unanswered keepalive") << '\n';
    } else {
        out << "yes, closed by the client with 3000 (its keepalives were answered)\n";
    }
}

void printKeepalive(const SessionStats& s, std::ostream& out, const Palette& palette) {
    printRoundTrips("ws_ping/pong", "ws_ping", s.keepalive.wsPing, out, palette);
    printRoundTrips("system.ping", "call", s.keepalive.systemPing, out, palette);
    printReconnects(s, out, palette);
}

void printTimings(const SessionStats& s, std::ostream& out, const Palette& palette) {
    const PingStats& ping = s.ping;
    std::string unanswered = std::to_string(ping.unanswered) + " never answered";
    out << palette.bold("ping/pong") << ": " << ping.pings << " pings, " << ping.roundTrip.count << " answered, "
        << (ping.unanswered ? palette.warn(unanswered) : unanswered) << ", " << ping.unsolicitedPongs
        << " unsolicited pongs\n";
    if (ping.roundTrip.count) {
        out << "  round trip " << percentilesText(ping.roundTrip) << '\n';
    }
    printKeepalive(s, out, palette);
    out << palette.bold("held by the proxy") << ": " << s.holding.count << " frames forwarded";
    out << (s.holding.count ? ", " + percentilesText(s.holding) : std::string()) << '\n';
}

void printGaps(const SessionStats& s, int64_t gapUs, std::ostream& out, const Palette& palette) {
    out << palette.bold("silences") << " over " << seconds(gapUs) << ": " << s.gaps.size() << '\n';
    for (size_t i = 0; i < std::min(s.gaps.size(), kListed); ++i) {
        const SilenceGap& g = s.gaps[i];
        out << "  " << (s.session ? "" : "session " + std::to_string(g.session) + " ") << "at " << seconds(g.start_us)
            << ": " << seconds(g.length_us) << '\n';
    }
    if (s.gaps.size() > kListed) {
        out << "  ... " << s.gaps.size() - kListed << " more (--json lists them all)\n";
    }
}

// Only when something was not recorded: a run that recorded everything says nothing here.
void printUnrecorded(const SessionStats& s, std::ostream& out, const Palette& palette) {
    if (s.unrecorded.empty()) {
        return;
    }
    int64_t frames = 0, size = 0;
    for (const GapRow& g : s.unrecorded) {
        frames += g.frames;
        size += g.bytes;
    }
    out << palette.bold("not recorded") << " (relayed while the recorder was behind): "
        << palette.warn(std::to_string(frames) + " frames, " + bytes(size)) << " in " << s.unrecorded.size()
        << (s.unrecorded.size() == 1 ? " gap\n" : " gaps\n");
    for (size_t i = 0; i < std::min(s.unrecorded.size(), kListed); ++i) {
        const GapRow& g = s.unrecorded[i];
        out << "  " << (s.session ? "" : "session " + std::to_string(g.session) + " ") << "seq " << g.first_seq << "-"
            << g.last_seq << " from " << isoUtc(g.first_us) << ": " << g.frames << " frames, " << bytes(g.bytes) << " ("
            << shown(g.reason) << ")\n";
    }
    if (s.unrecorded.size() > kListed) {
        out << "  ... " << s.unrecorded.size() - kListed << " more (--json lists them all)\n";
    }
}

// Red for an end worth a second look; the label itself is the same with or without colour.
std::string endingText(const std::string& label, const Palette& palette) {
    std::string text = shown(label, 200);
    return abnormalLabel(label) ? palette.error(text) : text;
}

void printEnding(const SessionStats& s, std::ostream& out, const Palette& palette) {
    if (s.ending) {
        const SessionEnding& e = *s.ending;
        out << palette.bold("ended") << ": " << endingText(endingLabel(e), palette);
        if (e.duration_us) {
            out << " after " << seconds(*e.duration_us);
        }
        if (!e.close_reason.empty()) {
            out << " (reason \"" << shown(e.close_reason) << "\")";
        }
        out << '\n';
    }
    for (const NameCount& c : s.endings) {
        out << "  " << c.count << "  " << endingText(c.name, palette) << '\n';
    }
}

// Each span of a proxy run with its rules: what each did, and the rules that matched nothing.
void printRules(const std::vector<RuleCountRow>& rules, std::ostream& out, const Palette& palette) {
    int64_t span = -1;
    for (const RuleCountRow& r : rules) {
        if (r.started_us != span) {
            span = r.started_us;
            out << palette.bold("rules") << " " << shown(r.file, 200) << " (" << isoUtc(r.started_us) << " to "
                << isoUtc(r.ended_us) << "):\n";
        }
        out << "  line " << r.line << " " << shown(r.rule) << ": ";
        if (r.matched == 0) {
            out << "matched nothing";
        } else {
            out << r.touched << " touched, " << r.matched << " matched";
        }
        if (r.missing) {
            out << ", " << r.missing << " paths missing";
        }
        out << '\n';
    }
}

void printText(const SessionStats& s, int64_t gapUs, std::ostream& out, bool unicode, const Palette& palette) {
    out << palette.bold(s.session ? "session " + std::to_string(*s.session)
                                  : "all sessions: " + std::to_string(s.sessions))
        << '\n';
    printTotals(s, out);
    printRate(s.rate, out, unicode, palette);
    printNames("events", s.events, out, palette);
    printNames("commands", s.commands, out, palette);
    printTimings(s, out, palette);
    printGaps(s, gapUs, out, palette);
    printUnrecorded(s, out, palette);
    if (!s.endings.empty()) {
        out << palette.bold("endings") << ":\n";
    }
    printEnding(s, out, palette);
    printRules(s.rules, out, palette);
}

bool utf8Locale() {
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const char* value = std::getenv(name);
        if (value && *value) {
            std::string v(value);
            std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
            return v.find("utf-8") != std::string::npos || v.find("utf8") != std::string::npos;
        }
    }
    return false;
}

}  // namespace

std::string sparkline(const std::vector<int64_t>& counts, bool unicode) {
    static const char* const kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    static const char kAscii[] = "_.-:=+*#";
    int64_t peak = counts.empty() ? 0 : *std::max_element(counts.begin(), counts.end());
    std::string out;
    for (int64_t c : counts) {
        if (c <= 0) {
            out += ' ';
            continue;
        }
        // 1..peak onto levels 0..7: any traffic shows, only the peak reaches the top.
        size_t level = static_cast<size_t>(std::min<int64_t>(7, (c * 8 - 1) / peak));
        out += unicode ? std::string(kBlocks[level]) : std::string(1, kAscii[level]);
    }
    return out;
}

int runStats(const StatsOptions& options, std::ostream& out, std::ostream& err, bool unicode) {
    SessionStatsSettings settings;
    settings.gapUs = static_cast<int64_t>(std::llround(options.gapSeconds * 1e6));
    try {
        const std::unique_ptr<Reader> reader = openReader(options.db);
        std::optional<SessionStats> stats = view::readStats(*reader, options.session, settings);
        if (!stats) {
            err << "rtmtap: no session " << *options.session << " in '" << options.db
                << "' (rtmtap sessions lists them)\n";
            return 2;
        }
        if (options.json) {
            out << view::statsJson(*stats, settings.gapUs) << '\n';
        } else {
            printText(*stats, settings.gapUs, out, unicode, Palette(colorEnabled(options.color, STDOUT_FILENO)));
        }
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
    return 0;
}

void setupStats(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<StatsOptions>();
    options->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("stats", "Traffic, timing and ending of one session or of all");
    sub->footer(
        "Per direction frames and bytes; counts per event and command; frames per second over time;\n"
        "ping-to-pong round trips (a pong answers the latest ping from the other side with its payload);\n"
        "the web client's keepalives: ws_ping commands to the next pong event, POST /api/v1/system.ping\n"
        "calls (proxy --api-upstream) to the session's system.ping event with their ping_token (a call\n"
        "belongs to the open session of its login), and reconnects (sessions the client closed with 3000);\n"
        "how long the proxy held frames (forwarded minus arrival); silences longer than --gap-seconds\n"
        "(from the session start, between frames and up to its end); frames relayed but not recorded\n"
        "(proxy --when-behind relay); how it ended.\n"
        "Exit: 0; 2 when the session does not exist or the database cannot be read.\n"
        "Examples:\n"
        "  rtmtap stats                      all sessions together\n"
        "  rtmtap stats 3 --gap-seconds 30   session 3; list silences longer than 30 s\n"
        "  rtmtap stats 3 --json             one JSON object, for scripts");
    sub->add_option("id", options->session, "Session id (see rtmtap sessions); all sessions when left out");
    addReadDbOption(sub, options->db);
    sub->add_flag("--json", options->json, "Print one JSON object");
    sub->add_option("--gap-seconds", options->gapSeconds, "List silences longer than this (AirSend pings every 25 s)")
        ->check(CLI::Range(0.001, 31'536'000.0))
        ->capture_default_str();
    addColorOption(*sub, options->color);
    sub->callback([options, &exitCode] { exitCode = runStats(*options, std::cout, std::cerr, utf8Locale()); });
}

}  // namespace rtmtap::cli
