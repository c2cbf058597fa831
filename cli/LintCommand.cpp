#include "LintCommand.h"

#include "Commands.h"
#include "LineCountingBuffer.h"
#include "LintFileSink.h"
#include "LintStore.h"
#include "view/TimeArg.h"
#include "lint/LintEngine.h"
#include "store/HarFormat.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

// Tallies findings as sessions are reported and decides the exit code.
class Tally {
public:
    Tally(LintReport& report, Severity failOn) : report_(report), failOn_(failOn) {}
    void add(const LintedSession& session) {
        ++sessions_;
        for (const Finding& f : session.findings) {
            ++counts_[static_cast<size_t>(f.severity)];
            failed_ = failed_ || f.severity >= failOn_;
        }
        report_.session(session);
    }
    int finish() {
        report_.finish(sessions_, counts_);
        return failed_ ? 1 : 0;
    }

private:
    LintReport& report_;
    Severity failOn_;
    SeverityCounts counts_{};
    size_t sessions_ = 0;
    bool failed_ = false;
};

// The sessions to check: those named, else all of them in id order, less those before --since.
// nullopt (one line on err) when a named one does not exist: nothing is checked then.
std::optional<std::vector<SessionRow>> sessionsToLint(Reader& reader, const LintOptions& options, std::ostream& err) {
    std::vector<SessionRow> rows;
    if (options.sessions.empty()) {
        rows = reader.sessions();
    }
    for (int64_t id : options.sessions) {
        std::optional<SessionRow> row = reader.session(id);
        if (!row) {
            err << "rtmtap: no session " << id << " in '" << options.db << "' (rtmtap sessions lists them)\n";
            return std::nullopt;
        }
        rows.push_back(std::move(*row));
    }
    if (options.sinceUs) {
        rows.erase(std::remove_if(rows.begin(), rows.end(),
                                  [&](const SessionRow& row) { return row.started_wall_us < *options.sinceUs; }),
                   rows.end());
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

std::string titleOf(const SessionRow& row) {
    std::string title = row.upstream.empty() ? row.client : row.client + " -> " + row.upstream;
    if (row.user_id) {
        title += ", user " + std::to_string(*row.user_id);
    }
    return title;
}

// What proxy --lint recorded about the session, of the rules that run; false when it has none.
bool readRecorded(Reader& reader, const LintEngine& engine, int64_t session, std::vector<Finding>& out) {
    std::vector<Finding> recorded;
    if (!LintStore::recordedLive(reader, session, recorded)) {
        return false;
    }
    for (Finding& f : recorded) {
        for (const auto& rule : engine.rules()) {
            if (f.rule == rule->id()) {
                out.push_back(std::move(f));
                break;
            }
        }
    }
    return true;
}

// Checks one recorded session, or reads back what proxy --lint found in it (unless --recheck).
// Its frames' lines are those of `rtmtap export ID`: the session line, its login's API calls,
// then one line a frame in seq order.
LintedSession lintRecorded(Reader& reader, LintEngine& engine, const SessionRow& row, bool recheck, bool lines) {
    LintedSession session;
    session.id = row.id;
    session.title = titleOf(row);
    session.artifact = "session-" + std::to_string(row.id) + ".jsonl";
    if (lines) {  // only SARIF places findings on lines: the login's calls are read for nothing else
        const int64_t before = 1 + static_cast<int64_t>(reader.sessionApiCalls(row.id).size());
        session.lineOf = [before](int64_t seq) { return before + seq; };
    }
    session.stored = !recheck && readRecorded(reader, engine, row.id, session.findings);
    if (session.stored) {
        return session;
    }
    engine.startSession(row.id, row.started_wall_us);
    reader.frames(row.id, [&](const FrameRow& frame) {
        engine.onMessage(frame.message);
        return true;
    });
    session.findings = engine.endSession(endOf(row));
    return session;
}

int lintDatabase(const LintOptions& options, LintEngine& engine, Tally& tally, std::ostream& err) {
    // A fleet database is written by `rtmtap ship` alone: it copies findings from the files.
    if (options.store && isPostgresUrl(options.db)) {
        err << "rtmtap: lint --store writes into a local database, not PostgreSQL (run it on the proxy's file, "
               "then rtmtap ship brings the findings over)\n";
        return 2;
    }
    std::optional<std::vector<SessionRow>> rows;
    LintStore store;
    {
        const std::unique_ptr<Reader> reader = openReader(options.db);
        rows = sessionsToLint(*reader, options, err);
        if (!rows) {
            return 2;
        }
        for (const SessionRow& row : *rows) {
            LintedSession session =
                lintRecorded(*reader, engine, row, options.recheck, options.format == LintReport::Format::Sarif);
            if (options.store && !session.stored) {
                store.add(row.id, session.findings);
            }
            tally.add(session);
        }
    }
    if (options.store) {
        store.write(options.db);
    }
    return tally.finish();
}

bool endsWith(const std::string& text, const std::string& tail) {
    return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

int lintFile(const LintOptions& options, LintEngine& engine, Tally& tally, std::ostream& err) {
    std::ifstream in(options.file, std::ios::binary);
    if (!in) {
        err << "rtmtap: cannot open '" << options.file << "' (check the path and permissions)\n";
        return 2;
    }
    auto report = [&](LintedSession&& session) { tally.add(session); };
    try {
        if (endsWith(options.file, ".har")) {
            LintFileSink sink(engine, options.file, nullptr, options.sinceUs, report);
            HarFormat::read(in, sink, "");
            sink.finish();
        } else {
            LineCountingBuffer lines(*in.rdbuf());
            std::istream counted(&lines);
            LintFileSink sink(engine, options.file, [&] { return lines.lines(); }, options.sinceUs, report);
            JsonlFormat::read(counted, sink, "", nullptr);
            sink.finish();
        }
    } catch (const ImportError& e) {
        err << "rtmtap: '" << options.file << "' " << e.what() << "; lint stopped there\n";
        return 2;
    }
    return tally.finish();
}

std::vector<const RuleInfo*> infosOf(const LintEngine& engine) {
    std::vector<const RuleInfo*> infos;
    for (const auto& rule : engine.rules()) {
        infos.push_back(&rule->info());
    }
    return infos;
}

void explainOne(const RuleInfo& info, std::ostream& out) {
    out << info.id << " (" << toString(info.severity) << " at most): " << info.summary << "\n"
        << "From: " << info.section << "\n\n"
        << info.rationale << "\n\nExample:\n" << info.example << "\n";
}

}  // namespace

int runExplain(const std::string& rule, std::ostream& out, std::ostream& err) {
    std::vector<std::unique_ptr<LintRule>> rules = LintEngine::allRules();
    for (const auto& r : rules) {
        if (rule == "all") {
            char line[160];
            std::snprintf(line, sizeof line, "%-22s %-5s %s\n", r->info().id, toString(r->info().severity),
                          r->info().summary);
            out << line;
        } else if (rule == r->id()) {
            explainOne(r->info(), out);
            return 0;
        }
    }
    if (rule == "all") {
        return 0;
    }
    err << "rtmtap: no lint rule '" << rule << "' (rtmtap lint --explain all lists them)\n";
    return 2;
}

int runLint(const LintOptions& options, std::ostream& out, std::ostream& err) {
    try {
        LintEngine engine = options.rules.empty() ? LintEngine::withAllRules() : LintEngine::withRules(options.rules);
        std::unique_ptr<LintReport> report =
            LintReport::make(options.format, out, colorEnabled(options.color, STDOUT_FILENO) && &out == &std::cout,
                             infosOf(engine));
        Tally tally(*report, options.failOn);
        return options.file.empty() ? lintDatabase(options, engine, tally, err)
                                    : lintFile(options, engine, tally, err);
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
}

namespace {

bool allDigits(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// SESSION... or one FILE: a lone argument that is not a number is a file.
std::string splitTargets(const std::vector<std::string>& targets, LintOptions& options) {
    for (const std::string& t : targets) {
        if (allDigits(t)) {
            if (t.size() > 18) {
                return "'" + t + "' is not a session id (too large)";
            }
            options.sessions.push_back(std::stoll(t));
        } else if (targets.size() == 1) {
            options.file = t;
        } else {
            return "'" + t + "' is not a session id (give session ids, or one JSONL/HAR file alone)";
        }
    }
    return "";
}

}  // namespace

void setupLint(CLI::App& app, int& exitCode) {
    struct CommandLine {
        LintOptions options;
        std::vector<std::string> targets;
        std::string failOn = "error";
        std::string explain;
        bool json = false;
        bool sarif = false;
    };
    auto line = std::make_shared<CommandLine>();
    line->options.db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("lint", "Say what a client or server did wrong, from the recorded traffic");
    sub->footer(
        "Findings are grouped by session: severity, rule, session:seq, time, what happened and why\n"
        "it matters, and the document section the rule comes from. --explain all lists the rules.\n"
        "Exit: 1 when a finding at or above --fail-on exists, 0 otherwise; 2 when the input cannot\n"
        "be read, a session does not exist or a rule is unknown.\n"
        "Examples:\n"
        "  rtmtap lint                          every recorded session in ./rtmtap.db\n"
        "  rtmtap lint 12 --fail-on warn        one session; exit 1 on any warning\n"
        "  rtmtap lint capture.har --sarif      a browser's HAR export, as SARIF for CI\n"
        "  rtmtap lint --explain pong-missing   why a rule exists, with an example");
    sub->add_option("targets", line->targets,
                    "Session ids (see rtmtap sessions), or one .jsonl/.har file; all sessions of --db when left out")
        ->type_name("SESSION...|FILE");
    addReadDbOption(sub, line->options.db);
    view::addTimeOption(*sub, "--since", line->options.sinceUs,
                  "Only sessions started at or after T: ISO 8601 (UTC unless an offset is given), 10m, 2d, @EPOCH");
    sub->add_option("--rules", line->options.rules, "Only these rules (comma-separated ids; --explain all lists them)")
        ->delimiter(',')
        ->type_name("LIST");
    auto* json = sub->add_flag("--json", line->json, "Print one JSON object per finding per line, no summary");
    sub->add_flag("--sarif", line->sarif, "Print one SARIF 2.1.0 log (for CI systems that show analysis results)")
        ->excludes(json);
    sub->add_option("--fail-on", line->failOn, "Exit 1 when a finding of this severity or above exists")
        ->check(CLI::IsMember({"info", "warn", "error"}))
        ->capture_default_str();
    sub->add_option("--explain", line->explain, "Print why RULE exists and an example, then exit ('all': every rule)")
        ->type_name("RULE");
    sub->add_flag("--recheck", line->options.recheck,
                  "Run the rules even on sessions whose findings rtmtap proxy --lint recorded (by default "
                  "those are read back as recorded)");
    sub->add_flag("--store", line->options.store,
                  "Store the findings of the sessions checked in the database (replacing what an earlier "
                  "--store wrote for them), so that rtmtap query --finding RULE finds their frames");
    addColorOption(*sub, line->options.color);
    sub->callback([line, &exitCode] {
        if (!line->explain.empty()) {
            exitCode = runExplain(line->explain, std::cout, std::cerr);
            return;
        }
        std::string problem = splitTargets(line->targets, line->options);
        if (problem.empty() && line->options.store && !line->options.file.empty()) {
            problem = "--store writes into a database: import the file first (rtmtap import)";
        }
        if (!problem.empty()) {
            std::cerr << "rtmtap: " << problem << '\n';
            exitCode = 2;
            return;
        }
        parseSeverity(line->failOn, line->options.failOn);
        line->options.format = line->sarif ? LintReport::Format::Sarif
                               : line->json ? LintReport::Format::Json
                                            : LintReport::Format::Text;
        exitCode = runLint(line->options, std::cout, std::cerr);
    });
}

}  // namespace rtmtap::cli
