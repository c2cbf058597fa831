#include "ReplaySendReport.h"
#include "ReplayReport.h"

#include "store/SessionStats.h"
#include "view/TerminalText.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <sstream>

namespace rtmtap::cli {
namespace {

using Op = DiffStep::Op;

constexpr size_t kContext = 2;  // equal events shown around a difference

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

size_t eventsReceived(const ClientReplayResult& r) {
    size_t n = 0;
    for (const Message& m : r.frames) {
        n += EventCompare::compared(m);
    }
    return n;
}

std::string percentilesLine(const Percentiles& p) {
    return "p50 " + ms(p.p50) + ", p90 " + ms(p.p90) + ", p99 " + ms(p.p99) + ", max " + ms(p.max);
}

std::vector<int64_t> connectLatencies(const std::vector<ClientReplayResult>& results) {
    std::vector<int64_t> out;
    for (const ClientReplayResult& r : results) {
        if (r.connectUs >= 0) {
            out.push_back(r.connectUs);
        }
    }
    return out;
}

std::vector<int64_t> eventLatencies(const std::vector<ClientReplayResult>& results) {
    std::vector<int64_t> out;
    for (const ClientReplayResult& r : results) {
        out.insert(out.end(), r.eventLatenciesUs.begin(), r.eventLatenciesUs.end());
    }
    return out;
}

std::string waitLine(const CommandWait& w) {
    const std::string what = "#" + std::to_string(w.seq) + " " + (w.name.empty() ? "(no command name)" : terminalSafe(w.name));
    if (w.timedOut) {
        return what + " timed out after " + secs(w.waitedUs) + " waiting for " + terminalSafe(w.missing) + "; sent anyway";
    }
    return what + " waited " + secs(w.waitedUs) + " for the server frames before it";
}

// True when steps i and i + 1 are one event that changed: a Missing and an Extra of one name.
bool changedPair(const EventDiff& d, size_t i) {
    if (i + 1 >= d.steps.size()) {
        return false;
    }
    const DiffStep& a = d.steps[i];
    const DiffStep& b = d.steps[i + 1];
    if (a.op == Op::Missing && b.op == Op::Extra) {
        return d.recorded[a.recorded].name == d.received[b.replayed].name;
    }
    if (a.op == Op::Extra && b.op == Op::Missing) {
        return d.received[a.replayed].name == d.recorded[b.recorded].name;
    }
    return false;
}

// Which Same steps are shown: those within kContext of a difference.
std::vector<bool> shownSame(const EventDiff& d) {
    std::vector<bool> shown(d.steps.size(), false);
    for (size_t i = 0; i < d.steps.size(); ++i) {
        if (d.steps[i].op == Op::Same) {
            continue;
        }
        const size_t from = i >= kContext ? i - kContext : 0;
        for (size_t j = from; j < std::min(d.steps.size(), i + kContext + 1); ++j) {
            shown[j] = true;
        }
    }
    return shown;
}

void renderStep(std::ostream& out, const EventDiff& d, const DiffStep& s, const Palette& palette) {
    if (s.op == Op::Missing) {
        const EventView& v = d.recorded[s.recorded];
        out << palette.error("  - " + terminalSafe(v.describe())) << palette.dim("   (recorded #" + std::to_string(v.seq) + " at " + secs(v.atUs) + ")")
            << "\n";
    } else if (s.op == Op::Extra) {
        const EventView& v = d.received[s.replayed];
        out << palette.c2s("  + " + terminalSafe(v.describe())) << palette.dim("   (received at " + secs(v.atUs) + ")") << "\n";
    } else {
        out << "    " << terminalSafe(d.recorded[s.recorded].name) << "\n";
    }
}

void renderChanges(std::ostream& out, const EventDiff& d, size_t i) {
    const DiffStep& a = d.steps[i];
    const DiffStep& b = d.steps[i + 1];
    const EventView& recorded = d.recorded[a.op == Op::Missing ? a.recorded : b.recorded];
    const EventView& received = d.received[a.op == Op::Extra ? a.replayed : b.replayed];
    for (const FieldChange& c : EventCompare::changes(recorded, received)) {
        out << "      " << terminalSafe(c.path) << ": " << (c.recorded.empty() ? "(absent)" : terminalSafe(c.recorded))
            << " -> " << (c.received.empty() ? "(absent)" : terminalSafe(c.received)) << "\n";
    }
}

Poco::JSON::Object::Ptr percentilesJson(std::vector<int64_t> values) {
    const Percentiles p = percentilesOf(values);
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("count", p.count);
    o->set("p50", p.p50 / 1e3);
    o->set("p90", p.p90 / 1e3);
    o->set("p99", p.p99 / 1e3);
    o->set("max", p.max / 1e3);
    return o;
}

Poco::JSON::Object::Ptr viewJson(const EventView& v) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("event", v.name);
    o->set("seq", v.seq);
    o->set("t_ms", v.atUs / 1e3);
    Poco::JSON::Object::Ptr fields = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [path, value] : v.fields) {
        fields->set(path, value);
    }
    o->set("fields", fields);
    return o;
}

Poco::JSON::Array::Ptr differencesJson(const EventDiff& d) {
    return diffStepsJson(d.steps, "received_position", "frame", [&](const DiffStep& s, bool missing) {
        return viewJson(missing ? d.recorded[s.recorded] : d.received[s.replayed]);
    });
}

Poco::JSON::Object::Ptr clientJson(const ClientReplayResult& r, bool expect) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("client", r.client);
    o->set("session", r.session ? Poco::Dynamic::Var(r.session) : Poco::Dynamic::Var());
    o->set("ok", r.failure.empty());
    o->set("failure", r.failure.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.failure));
    o->set("ended", r.ended);
    o->set("connect_ms", r.connectUs >= 0 ? Poco::Dynamic::Var(r.connectUs / 1e3) : Poco::Dynamic::Var());
    o->set("duration_ms", r.durationUs / 1e3);
    o->set("commands_planned", r.planned);
    o->set("commands_sent", r.sent);
    o->set("events_received", eventsReceived(r));
    Poco::JSON::Array::Ptr waits = new Poco::JSON::Array;
    for (const CommandWait& w : r.waits) {
        Poco::JSON::Object::Ptr wo = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        wo->set("seq", w.seq);
        wo->set("command", w.name);
        wo->set("waited_ms", w.waitedUs / 1e3);
        wo->set("timed_out", w.timedOut);
        wo->set("missing", w.missing);
        waits->add(wo);
    }
    o->set("reactive_waits", waits);
    o->set("missing_at_end", r.endMissing);
    Poco::JSON::Object::Ptr ids = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [recorded, live] : r.mappedIds) {
        ids->set(std::to_string(recorded), live);
    }
    o->set("mapped_ids", ids);
    o->set("event_latency_ms", percentilesJson(r.eventLatenciesUs));
    if (expect) {
        o->set("differences", r.diff ? differencesJson(*r.diff) : Poco::JSON::Array::Ptr(new Poco::JSON::Array));
    }
    return o;
}

}  // namespace

size_t eventDifferences(const ClientReplayResult& r) {
    if (!r.diff) {
        return 0;
    }
    size_t n = 0;
    for (const DiffStep& s : r.diff->steps) {
        n += s.op != Op::Same;
    }
    return n;
}

std::string clientReport(const ClientReplayResult& r, const Palette& palette) {
    std::ostringstream out;
    out << palette.bold("client " + std::to_string(r.client));
    if (r.session) {
        out << " (session " << r.session << ")";
    }
    if (!r.connected) {
        out << ": " << palette.error("failed: " + r.failure) << "\n";
        return out.str();
    }
    out << ": " << r.sent << " of " << r.planned << " commands sent, " << eventsReceived(r) << " events received in "
        << secs(r.durationUs) << "; " << r.ended << "\n";
    out << "  connect " << ms(r.connectUs) << "\n";
    if (!r.mappedIds.empty()) {
        out << "  ids mapped (recorded -> live):";
        for (const auto& [recorded, live] : r.mappedIds) {
            out << " " << recorded << " -> " << live;
        }
        out << "\n";
    }
    for (const CommandWait& w : r.waits) {
        out << "  " << (w.timedOut ? palette.warn("reactive: " + waitLine(w)) : "reactive: " + waitLine(w)) << "\n";
    }
    if (!r.endMissing.empty()) {
        out << "  " << palette.warn("at the end, still missing: " + terminalSafe(r.endMissing)) << "\n";
    }
    if (!r.failure.empty()) {
        out << "  " << palette.error("failed: " + r.failure) << "\n";
    }
    return out.str();
}

std::string latencyReport(const std::vector<ClientReplayResult>& results) {
    std::vector<int64_t> connects = connectLatencies(results);
    std::vector<int64_t> events = eventLatencies(results);
    const Percentiles c = percentilesOf(connects);
    const Percentiles e = percentilesOf(events);
    std::ostringstream out;
    out << "connect latency (TCP + upgrade + ws_auth sent): ";
    if (c.count) {
        out << percentilesLine(c) << " (" << c.count << (c.count == 1 ? " client" : " clients") << ")\n";
    } else {
        out << "none (no client connected)\n";
    }
    out << "event latency (a command to the answer attributed to it): ";
    if (e.count) {
        out << percentilesLine(e) << " (" << e.count << (e.count == 1 ? " answer" : " answers") << ")\n";
    } else {
        out << "none (no answer to a command arrived)\n";
    }
    return out.str();
}

std::string expectEventsReport(const ClientReplayResult& r, const Palette& palette, bool nameClient) {
    if (!r.diff || !r.failure.empty()) {
        return "";
    }
    const EventDiff& d = *r.diff;
    const std::string who = nameClient ? "expect, client " + std::to_string(r.client) + ": " : "expect: ";
    const size_t n = eventDifferences(r);
    std::ostringstream out;
    if (n == 0) {
        out << who << "the events received match the recording (" << d.recorded.size() << " events)\n";
        return out.str();
    }
    out << palette.error(who + "the events received differ from the recording") << " (" << n
        << (n == 1 ? " difference" : " differences") << "; - recorded only, + received only)\n";
    const std::vector<bool> shown = shownSame(d);
    size_t hidden = 0;
    for (size_t i = 0; i < d.steps.size(); ++i) {
        if (d.steps[i].op == Op::Same && !shown[i]) {
            ++hidden;
            continue;
        }
        if (hidden) {
            out << palette.dim("    ... " + std::to_string(hidden) + " equal events") << "\n";
            hidden = 0;
        }
        renderStep(out, d, d.steps[i], palette);
        if (changedPair(d, i)) {
            renderStep(out, d, d.steps[i + 1], palette);
            renderChanges(out, d, i);
            ++i;
        }
    }
    if (hidden) {
        out << palette.dim("    ... " + std::to_string(hidden) + " equal events") << "\n";
    }
    return out.str();
}

std::string sendJson(const std::vector<ClientReplayResult>& results, const std::string& to, bool expect) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("to", to);
    Poco::JSON::Array::Ptr clients = new Poco::JSON::Array;
    size_t failures = 0, differences = 0;
    for (const ClientReplayResult& r : results) {
        clients->add(clientJson(r, expect));
        failures += !r.failure.empty();
        differences += eventDifferences(r);
    }
    root.set("clients", clients);
    root.set("connect_latency_ms", percentilesJson(connectLatencies(results)));
    root.set("event_latency_ms", percentilesJson(eventLatencies(results)));
    root.set("failures", failures);
    if (expect) {
        root.set("differences", differences);
    }
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

}  // namespace rtmtap::cli
