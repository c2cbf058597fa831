#include "LintCommand.h"

#include "Commands.h"
#include "LintStore.h"
#include "lint/LintEngine.h"
#include "store/JsonObject.h"
#include "store/JsonOut.h"
#include "store/Reader.h"

#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

namespace rtmtap::cli {
namespace {

// The sessions to check: those named, else all of them in id order. nullopt (one line on err)
// when a named one does not exist: nothing is checked then.
std::optional<std::vector<SessionRow>> sessionsToLint(Reader& reader, const LintOptions& options, std::ostream& err) {
    if (options.sessions.empty()) {
        return reader.sessions();
    }
    std::vector<SessionRow> rows;
    for (int64_t id : options.sessions) {
        std::optional<SessionRow> row = reader.session(id);
        if (!row) {
            err << "rtmtap: no session " << id << " in '" << options.db << "' (rtmtap sessions lists them)\n";
            return std::nullopt;
        }
        rows.push_back(std::move(*row));
    }
    return rows;
}

LintSessionEnd endOf(const SessionRow& row) {
    LintSessionEnd end;
    end.ended = row.ended_wall_us.has_value();
    end.ended_wall_us = row.ended_wall_us.value_or(0);
    end.close_code = row.close_code;
    end.closed_by = row.closed_by;
    end.error = row.error;
    return end;
}

std::vector<Finding> lintSession(Reader& reader, LintEngine& engine, const SessionRow& row) {
    engine.startSession(row.id, row.started_wall_us);
    reader.frames(row.id, [&](const FrameRow& frame) {
        engine.onMessage(frame.message);
        return true;
    });
    return engine.endSession(endOf(row));
}

std::string secondsText(int64_t us) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "+%.3f s", us / 1e6);
    return buf;
}

void printSession(int64_t session, const std::vector<Finding>& findings, std::ostream& out) {
    out << "session " << session << '\n';
    char line[96];
    for (const Finding& f : findings) {
        std::snprintf(line, sizeof line, "  %-5s %-20s %lld:%lld  ", toString(f.severity), f.rule.c_str(),
                      static_cast<long long>(f.session), static_cast<long long>(f.seq));
        out << line << isoUtc(f.wall_us) << " (" << secondsText(f.t_us) << ")\n    " << f.sentence << '\n';
    }
}

void printSummary(size_t sessions, const std::array<int64_t, 3>& counts, std::ostream& out) {
    int64_t total = counts[0] + counts[1] + counts[2];
    out << sessions << (sessions == 1 ? " session" : " sessions") << " checked, " << total
        << (total == 1 ? " finding" : " findings") << ": " << counts[2] << " error, " << counts[1] << " warn, "
        << counts[0] << " info\n";
}

// The session's findings: those proxy --lint recorded unless --recheck, else the rules' over its
// frames.
std::vector<Finding> findingsFor(Reader& reader, LintEngine& engine, const SessionRow& row,
                                 const LintOptions& options, bool& recorded) {
    std::vector<Finding> findings;
    recorded = !options.recheck && LintStore::recordedLive(reader, row.id, findings);
    return recorded ? findings : lintSession(reader, engine, row);
}

void printRecordedNote(std::ostream& out) {
    out << "  (recorded live by rtmtap proxy --lint; --recheck runs the rules again)\n";
}

}  // namespace

std::string findingJson(const Finding& f, const char* source) {
    JsonObject json;
    json.string("rule", f.rule)
        .string("severity", toString(f.severity))
        .number("session", f.session)
        .number("seq", f.seq)
        .number("t_us", f.t_us)
        .string("at", isoUtc(f.wall_us))
        .string("sentence", f.sentence)
        .string("section", f.section);
    if (source) {
        json.string("source", source);
    }
    return json.str();
}

int runLint(const LintOptions& options, std::ostream& out, std::ostream& err) {
    std::array<int64_t, 3> counts{};  // per Severity
    bool failed = false;
    try {
        Reader reader(options.db);
        std::optional<std::vector<SessionRow>> sessions = sessionsToLint(reader, options, err);
        if (!sessions) {
            return 2;
        }
        LintEngine engine = LintEngine::withAllRules();
        LintStore store;
        for (const SessionRow& row : *sessions) {
            bool recorded = false;
            std::vector<Finding> findings = findingsFor(reader, engine, row, options, recorded);
            if (options.store && !recorded) {
                store.add(row.id, findings);
            }
            for (const Finding& f : findings) {
                ++counts[static_cast<size_t>(f.severity)];
                failed = failed || f.severity >= options.failOn;
                if (options.json) {
                    out << findingJson(f, recorded ? FindingSource::Live : nullptr) << '\n';
                }
            }
            if (!options.json && !findings.empty()) {
                printSession(row.id, findings, out);
                if (recorded) {
                    printRecordedNote(out);
                }
            }
        }
        if (options.store) {
            store.write(options.db);
        }
        if (!options.json) {
            printSummary(sessions->size(), counts, out);
        }
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
    return failed ? 1 : 0;
}

void setupLint(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<LintOptions>();
    options->db = defaultDbPath();
    auto failOn = std::make_shared<std::string>("error");
    CLI::App* sub = app.add_subcommand("lint", "Say what a client or server did wrong, from the recorded traffic");
    sub->footer(
        "Rules (lint/): first-not-auth, command-before-auth, unknown-command, invalid-json.\n"
        "Findings are grouped by session: severity, rule, session:seq, time, one sentence.\n"
        "Exit: 1 when a finding at or above --fail-on exists, 0 otherwise; 2 when the database\n"
        "cannot be read or a session does not exist.");
    sub->add_option("sessions", options->sessions, "Session ids (see rtmtap sessions); all sessions when left out");
    addReadDbOption(sub, options->db);
    sub->add_flag("--json", options->json, "Print one JSON object per finding per line, no summary");
    sub->add_flag("--recheck", options->recheck,
                  "Run the rules even on sessions whose findings rtmtap proxy --lint recorded (by default "
                  "those are read back as recorded)");
    sub->add_flag("--store", options->store,
                  "Store the findings of the sessions checked in the database (replacing what an earlier "
                  "--store wrote for them), so that rtmtap query --finding RULE finds their frames");
    sub->add_option("--fail-on", *failOn, "Exit 1 when a finding of this severity or above exists")
        ->check(CLI::IsMember({"info", "warn", "error"}))
        ->capture_default_str();
    sub->callback([options, failOn, &exitCode] {
        parseSeverity(*failOn, options->failOn);
        exitCode = runLint(*options, std::cout, std::cerr);
    });
}

}  // namespace rtmtap::cli
