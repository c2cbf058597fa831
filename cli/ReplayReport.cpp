#include "ReplayReport.h"
#include "view/TerminalText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <sstream>

namespace rtmtap::cli {
namespace {

std::string ms(int64_t us) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.3f ms", us / 1e3);
    return text;
}

std::string secs(int64_t us) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.3f s", us / 1e6);
    return text;
}

std::string pingLine(const ReplayResult& r) {
    size_t answered = 0;
    std::string late;
    for (const ReplayPing& p : r.pings) {
        answered += p.pongAfterUs.has_value();
        late += late.empty() ? "" : ", ";
        late += p.pongAfterUs ? "#" + std::to_string(p.seq) + " " + ms(*p.pongAfterUs)
                              : "#" + std::to_string(p.seq) + " never";
    }
    return "  protocol pings: " + std::to_string(r.pings.size()) + " sent, " + std::to_string(answered) +
           " answered (pong after: " + late + ")\n";
}

size_t differences(const ReplayResult& r) {
    size_t n = 0;
    for (const DiffStep& s : r.diff) {
        n += s.op != DiffStep::Op::Same;
    }
    return n;
}

Poco::JSON::Object::Ptr commandJson(const ReplayCommand& c) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("command", c.key.name);
    if (c.key.channel) {
        o->set("channel_id", *c.key.channel);
    }
    if (c.key.message) {
        o->set("message_id", *c.key.message);
    }
    if (c.key.emoji) {
        o->set("emoji_value", *c.key.emoji);
    }
    o->set("seq", c.seq);
    o->set("t_ms", c.atUs / 1e3);
    return o;
}

Poco::JSON::Array::Ptr diffJson(const ReplayResult& r) {
    return diffStepsJson(r.diff, "replayed_position", "command", [&](const DiffStep& s, bool missing) {
        return commandJson(missing ? r.expected[s.recorded] : r.commands[s.replayed]);
    });
}

Poco::JSON::Object::Ptr resultJson(const ReplayResult& r, bool expect) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("client", r.client);
    o->set("session", r.session);
    o->set("peer", r.peer);
    o->set("started", r.started);
    o->set("ended", r.ended);
    o->set("clean", r.clean);
    o->set("duration_ms", r.durationUs / 1e3);
    o->set("frames_planned", r.planned);
    o->set("frames_sent", r.sent);
    o->set("frames_skipped", r.skipped);
    o->set("rounds", r.rounds);
    o->set("schedule_error_p50_ms", r.latenessP50Us / 1e3);
    o->set("schedule_error_p99_ms", r.latenessP99Us / 1e3);
    Poco::JSON::Array::Ptr pings = new Poco::JSON::Array;
    for (const ReplayPing& p : r.pings) {
        Poco::JSON::Object::Ptr po = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        po->set("seq", p.seq);
        po->set("sent_ms", p.sentUs / 1e3);
        po->set("pong_after_ms", p.pongAfterUs ? Poco::Dynamic::Var(*p.pongAfterUs / 1e3) : Poco::Dynamic::Var());
        pings->add(po);
    }
    o->set("pings", pings);
    Poco::JSON::Array::Ptr held = new Poco::JSON::Array;
    for (const ReplayHeld& h : r.neverReleased) {
        Poco::JSON::Object::Ptr ho = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        ho->set("seq", h.seq);
        ho->set("name", h.name);
        ho->set("waits_for", h.waitsFor);
        held->add(ho);
    }
    o->set("held_never_released", held);
    Poco::JSON::Array::Ptr commands = new Poco::JSON::Array;
    for (const ReplayCommand& c : r.commands) {
        commands->add(commandJson(c));
    }
    o->set("commands", commands);
    if (expect) {
        o->set("differences", diffJson(r));
    }
    return o;
}

}  // namespace

Poco::JSON::Array::Ptr diffStepsJson(const std::vector<DiffStep>& steps, const char* replayedKey, const char* itemKey,
                                     const std::function<Poco::JSON::Object::Ptr(const DiffStep&, bool missing)>& item) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const DiffStep& s : steps) {
        if (s.op == DiffStep::Op::Same) {
            continue;
        }
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        const bool missing = s.op == DiffStep::Op::Missing;
        o->set("change", missing ? "missing" : "extra");
        o->set("recorded_position", s.recorded);
        o->set(replayedKey, s.replayed);
        o->set(itemKey, item(s, missing));
        out->add(o);
    }
    return out;
}

std::string replayReport(const ReplayResult& r, const Palette& palette) {
    std::ostringstream out;
    out << palette.bold("replay " + std::to_string(r.client)) << " (" << r.peer << "): "
        << (r.clean ? r.ended : palette.error(r.ended)) << " after " << secs(r.durationUs) << "\n";
    if (!r.started) {
        return out.str();
    }
    out << "  server frames: " << r.sent << " sent of " << r.planned * static_cast<size_t>(std::max(r.rounds, 1));
    if (r.rounds > 1) {
        out << " (" << r.rounds << " rounds)";
    }
    if (r.skipped) {
        out << ", " << r.skipped << " skipped";
    }
    out << "; scheduling error p50 " << r.latenessP50Us << " µs, p99 " << r.latenessP99Us << " µs\n";
    out << "  client commands: " << r.commands.size() << "\n";
    if (!r.pings.empty()) {
        out << pingLine(r);
    }
    for (const ReplayHeld& h : r.neverReleased) {
        out << "  " << palette.warn("held, never released:") << " #" << h.seq << " " << terminalSafe(h.name)
            << " (waits for " << terminalSafe(h.waitsFor) << ")\n";
    }
    return out.str();
}

std::string expectReport(const ReplayResult& r, const Palette& palette) {
    std::ostringstream out;
    const size_t n = differences(r);
    if (n == 0) {
        out << "expect: the client's commands match the recording (" << r.commands.size()
            << (r.commands.size() == 1 ? " command)\n" : " commands)\n");
        return out.str();
    }
    out << palette.error("expect: the client's commands differ from the recording") << " (" << n
        << (n == 1 ? " difference" : " differences") << "; - recorded only, + sent only)\n";
    for (const DiffStep& s : r.diff) {
        switch (s.op) {
        case DiffStep::Op::Same:
            out << "    " << terminalSafe(r.expected[s.recorded].key.describe()) << "\n";
            break;
        case DiffStep::Op::Missing: {
            const ReplayCommand& c = r.expected[s.recorded];
            out << palette.error("  - " + terminalSafe(c.key.describe())) << palette.dim("   (recorded #" + std::to_string(c.seq) + " at " + secs(c.atUs) + ")") << "\n";
            break;
        }
        case DiffStep::Op::Extra: {
            const ReplayCommand& c = r.commands[s.replayed];
            out << palette.c2s("  + " + terminalSafe(c.key.describe())) << palette.dim("   (sent at " + secs(c.atUs) + ")") << "\n";
            break;
        }
        }
    }
    return out.str();
}

std::string replayJson(const std::vector<ReplayResult>& results, bool expect) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    size_t total = 0;
    for (const ReplayResult& r : results) {
        list->add(resultJson(r, expect));
        total += differences(r);
    }
    root.set("replays", list);
    if (expect) {
        root.set("differences", total);
    }
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

}  // namespace rtmtap::cli
