#include "SessionsCommand.h"

#include "Commands.h"
#include "view/TimeArg.h"
#include "control/ControlClient.h"
#include "control/LiveSession.h"
#include "store/JsonOut.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "view/SessionJson.h"
#include "view/TerminalText.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fnmatch.h>
#include <functional>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

std::string humanDuration(int64_t us) {
    char buf[32];
    int64_t ms = us / 1000;
    if (ms < 1000) {
        std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
    } else if (ms < 60'000) {
        std::snprintf(buf, sizeof buf, "%.1fs", ms / 1000.0);
    } else if (ms < 3'600'000) {
        std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(ms / 60'000),
                      static_cast<long long>(ms / 1000 % 60));
    } else {
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(ms / 3'600'000),
                      static_cast<long long>(ms / 60'000 % 60));
    }
    return buf;
}

std::string humanBytes(int64_t bytes) {
    char buf[32];
    if (bytes < 1024) {
        std::snprintf(buf, sizeof buf, "%lld B", static_cast<long long>(bytes));
    } else if (bytes < 1024 * 1024) {
        std::snprintf(buf, sizeof buf, "%.1f KiB", bytes / 1024.0);
    } else {
        std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
    return buf;
}

std::string userOf(const SessionRow& row) {
    std::string id = row.user_id ? std::to_string(*row.user_id) : "";
    if (!row.user_name.empty()) {
        return id.empty() ? row.user_name : row.user_name + " (" + id + ")";
    }
    return id.empty() ? "-" : id;
}

std::string endOf(const SessionRow& row) {
    if (!row.ended_wall_us) {
        return "open";
    }
    std::string end;
    if (row.close_code) {
        end = std::to_string(*row.close_code);
        if (!row.closed_by.empty()) {
            end += " by " + row.closed_by;
        }
    } else if (row.http_status && *row.http_status != 101 && *row.http_status != 0) {
        end = "http " + std::to_string(*row.http_status);
    }
    if (!row.error.empty()) {
        end += (end.empty() ? "" : ": ") + row.error;
    }
    return end.empty() ? "-" : end;
}

// Ended in a way someone debugging wants to see: an error, a close code other than normal or
// going away, or an upgrade the client did not get.
bool abnormalEnd(const SessionRow& row) {
    if (!row.ended_wall_us) {
        return false;
    }
    bool oddClose = row.close_code && *row.close_code != 1000 && *row.close_code != 1001;
    bool failedUpgrade = row.http_status && *row.http_status != 101;
    return !row.error.empty() || oddClose || failedUpgrade;
}

enum class Style { Plain, Dim, EndOf };

struct Column {
    const char* header;
    size_t limit;
    bool rightAligned;
    Style style;
};

std::vector<std::string> cellsOf(const SessionRow& row, bool withSource, bool withLabel, bool withReplay) {
    std::vector<std::string> cells = {std::to_string(row.id)};
    if (withSource) {
        cells.push_back(row.source);
    }
    if (withLabel) {
        cells.push_back(row.label.empty() ? "-" : row.label);
    }
    if (withReplay) {
        cells.push_back(row.replay_of ? std::to_string(*row.replay_of) : "-");
    }
    std::vector<std::string> rest = {localTime(row.started_wall_us),
                                     row.duration_us ? humanDuration(*row.duration_us) : "-",
                                     row.client,
                                     row.path,
                                     userOf(row),
                                     std::to_string(row.frames),
                                     humanBytes(row.bytes),
                                     endOf(row)};
    cells.insert(cells.end(), rest.begin(), rest.end());
    return cells;
}

// Prints table under the columns' headers (bold): each cell cut to its column's limit, columns
// padded to their widest cell. Dim columns are dimmed; an EndOf cell is red when abnormal(row).
void printCells(const std::vector<Column>& columns, std::vector<std::vector<std::string>> table, std::ostream& out,
                const Palette& palette, const std::function<bool(size_t)>& abnormal) {
    const size_t count = columns.size();
    std::vector<size_t> widths(count);
    for (size_t c = 0; c < count; ++c) {
        widths[c] = std::string(columns[c].header).size();
    }
    for (auto& line : table) {
        for (size_t c = 0; c < count; ++c) {
            line[c] = terminalLine(line[c], columns[c].limit);
            widths[c] = std::max(widths[c], terminalColumns(line[c]));
        }
    }
    // Padding stays outside the colour codes so that the columns line up either way.
    auto printLine = [&](const std::vector<std::string>& line, const std::function<std::string(size_t)>& paint) {
        std::string text;
        for (size_t c = 0; c < count; ++c) {
            std::string pad(widths[c] - terminalColumns(line[c]), ' ');
            bool last = c + 1 == count;
            text += columns[c].rightAligned ? pad + paint(c) : paint(c) + (last ? "" : pad);
            text += last ? "" : "  ";
        }
        out << text << '\n';
    };
    std::vector<std::string> headers;
    for (const Column& column : columns) {
        headers.push_back(column.header);
    }
    printLine(headers, [&](size_t c) { return palette.bold(headers[c]); });
    for (size_t i = 0; i < table.size(); ++i) {
        const std::vector<std::string>& line = table[i];
        printLine(line, [&](size_t c) {
            switch (columns[c].style) {
            case Style::Dim:
                return palette.dim(line[c]);
            case Style::EndOf:
                return abnormal(i) ? palette.error(line[c]) : line[c];
            case Style::Plain:
                break;
            }
            return line[c];
        });
    }
}

// A SOURCE column only in a fleet database (the proxy that shipped each session: `rtmtap ship
// --proxy-name`), a label column only when some listed session has a label, a REPLAY OF column
// only when some is a recorded replay (`rtmtap replay --record`): most databases have none.
void printTable(const std::vector<SessionRow>& rows, std::ostream& out, const Palette& palette) {
    bool withSource = std::any_of(rows.begin(), rows.end(), [](const SessionRow& r) { return !r.source.empty(); });
    bool withLabel = std::any_of(rows.begin(), rows.end(), [](const SessionRow& r) { return !r.label.empty(); });
    bool withReplay = std::any_of(rows.begin(), rows.end(), [](const SessionRow& r) { return r.replay_of.has_value(); });
    std::vector<Column> columns = {{"ID", 20, true, Style::Plain}};
    if (withSource) {
        columns.push_back({"SOURCE", 30, false, Style::Plain});
    }
    if (withLabel) {
        columns.push_back({"LABEL", 30, false, Style::Plain});
    }
    if (withReplay) {
        columns.push_back({"REPLAY OF", 20, true, Style::Plain});
    }
    std::vector<Column> rest = {{"STARTED", 19, false, Style::Dim}, {"DURATION", 10, false, Style::Dim},
                                {"CLIENT", 40, false, Style::Plain}, {"PATH", 40, false, Style::Plain},
                                {"USER", 40, false, Style::Plain},   {"FRAMES", 12, true, Style::Plain},
                                {"BYTES", 12, true, Style::Plain},   {"END", 60, false, Style::EndOf}};
    columns.insert(columns.end(), rest.begin(), rest.end());
    std::vector<std::vector<std::string>> table;
    for (const SessionRow& row : rows) {
        table.push_back(cellsOf(row, withSource, withLabel, withReplay));
    }
    printCells(columns, std::move(table), out, palette, [&](size_t i) { return abnormalEnd(rows[i]); });
}

void printJson(const std::vector<SessionRow>& rows, std::ostream& out) {
    out << "[";
    for (size_t i = 0; i < rows.size(); ++i) {
        out << (i ? ",\n " : "\n ") << view::sessionJson(rows[i]);
    }
    out << (rows.empty() ? "]\n" : "\n]\n");
}

// A live session as a row, so that the recorded sessions' filters and USER column apply.
SessionRow rowOf(const LiveSession& s) {
    SessionRow row;
    row.id = s.id;
    row.started_wall_us = s.started_wall_us;
    row.client = s.client;
    row.upstream = s.upstream;
    row.path = s.path;
    row.user_id = s.user_id;
    row.user_name = s.user_name;
    return row;
}

void printLiveTable(const std::vector<LiveSession>& sessions, std::ostream& out, const Palette& palette) {
    const std::vector<Column> columns = {
        {"ID", 20, true, Style::Plain},    {"STARTED", 19, false, Style::Dim}, {"DURATION", 10, false, Style::Dim},
        {"CLIENT", 40, false, Style::Plain}, {"PATH", 40, false, Style::Plain}, {"USER", 40, false, Style::Plain},
        {"C2S", 12, true, Style::Plain},   {"S2C", 12, true, Style::Plain},   {"BYTES", 12, true, Style::Plain}};
    const int64_t now = view::nowWallUs();
    std::vector<std::vector<std::string>> table;
    for (const LiveSession& s : sessions) {
        table.push_back({std::to_string(s.id), localTime(s.started_wall_us),
                         humanDuration(std::max<int64_t>(0, now - s.started_wall_us)), s.client, s.path,
                         userOf(rowOf(s)), std::to_string(s.frames_c2s), std::to_string(s.frames_s2c),
                         humanBytes(static_cast<int64_t>(s.bytes_c2s + s.bytes_s2c))});
    }
    printCells(columns, std::move(table), out, palette, [](size_t) { return false; });
}

std::vector<LiveSession> liveSessionsOf(const Poco::JSON::Object& answer) {
    Poco::JSON::Array::Ptr array = answer.getArray("sessions");
    if (!array) {
        throw std::runtime_error("the proxy's answer has no session list");
    }
    std::vector<LiveSession> sessions;
    for (size_t i = 0; i < array->size(); ++i) {
        Poco::JSON::Object::Ptr object = array->getObject(static_cast<unsigned>(i));
        if (!object) {
            throw std::runtime_error("the proxy's session list holds something that is not a session");
        }
        sessions.push_back(LiveSession::fromJson(*object));
    }
    return sessions;
}

}  // namespace

int runLiveSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err) {
    std::vector<LiveSession> sessions;
    try {
        ControlClient client(options.db);
        Poco::JSON::Object::Ptr answer = client.request("{\"cmd\":\"sessions\"}");
        if (!answer->optValue<bool>("ok", false)) {
            err << "rtmtap: " << answer->optValue<std::string>("error", "the proxy refused to list its sessions") << '\n';
            return 2;
        }
        sessions = liveSessionsOf(*answer);
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
    const size_t held = sessions.size();
    sessions.erase(std::remove_if(sessions.begin(), sessions.end(),
                                  [&](const LiveSession& s) { return !options.matches(rowOf(s)); }),
                   sessions.end());
    if (options.json) {
        out << "[";
        for (size_t i = 0; i < sessions.size(); ++i) {
            out << (i ? ",\n " : "\n ") << sessions[i].toJson();
        }
        out << (sessions.empty() ? "]\n" : "\n]\n");
    } else if (held == 0) {
        err << "rtmtap: the proxy on '" << options.db << "' holds no live session\n";
    } else if (sessions.empty()) {
        err << "rtmtap: no live session matches the filters (" << held << " live)\n";
    } else {
        printLiveTable(sessions, out, Palette(colorEnabled(options.color, STDOUT_FILENO)));
    }
    return sessions.empty() ? 1 : 0;
}

int runSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err) {
    if (options.live) {
        return runLiveSessions(options, out, err);
    }
    std::vector<SessionRow> rows;
    try {
        const std::unique_ptr<Reader> reader = openReader(options.db);
        rows = reader->sessions();
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
    const size_t recorded = rows.size();
    rows.erase(std::remove_if(rows.begin(), rows.end(), [&](const SessionRow& r) { return !options.matches(r); }),
               rows.end());
    if (options.json) {
        printJson(rows, out);
    } else if (recorded == 0) {
        err << "rtmtap: no sessions recorded in '" << options.db << "'\n";
    } else if (rows.empty()) {
        err << "rtmtap: no session in '" << options.db << "' matches the filters (" << recorded << " recorded)\n";
    } else {
        printTable(rows, out, Palette(colorEnabled(options.color, STDOUT_FILENO)));
    }
    return rows.empty() ? 1 : 0;
}

void setupSessions(CLI::App& app, int& exitCode) {
    struct CommandLine {
        SessionsOptions options;
        std::string since;
    };
    auto line = std::make_shared<CommandLine>();
    SessionsOptions& options = line->options;
    options.db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("sessions", "List the recorded sessions");
    sub->footer(
        "Filters of one kind are OR'ed (--user 1 --user 2), different kinds AND'ed.\n"
        "Exit: 0 when a session is listed; 1 when none is (empty database, or the filters leave none);\n"
        "2 on a usage error or when the database cannot be read.\n"
        "Examples:\n"
        "  rtmtap sessions                          every session in ./rtmtap.db\n"
        "  rtmtap sessions --since 1h --user 42     user 42's sessions of the last hour\n"
        "  rtmtap sessions --live                   what the running proxy holds now\n"
        "  rtmtap sessions --label 'bug *' --json   imported sessions labelled bug ..., for scripts");
    addReadDbOption(sub, options.db);
    sub->add_flag("--live", options.live,
                  "The sessions the running proxy recording into --db holds now (asked through its control "
                  "socket DB.ctl; exit 2 when none runs), with frames each way");
    sub->add_flag("--json", options.json, "Print a JSON array of session objects");
    sub->add_option("--since", line->since,
                    "Sessions started at or after T: ISO 8601 (2026-11-25T10:00:00Z, UTC unless an offset is "
                    "given), a span back from now (10m, 1h30m, 2d) or @EPOCH")
        ->type_name("T")
        ->check(CLI::Validator([](std::string& text) { return view::timeArgError(text); }, "", "time"));
    sub->add_option("--user", options.users, "Sessions of this user id (repeatable)")->type_name("ID")->allow_extra_args(false);
    sub->add_option("--label", options.labels,
                    "Sessions whose label (import --label) is TEXT, or matches it as a glob: 'bug *' (repeatable)")
        ->type_name("TEXT")
        ->allow_extra_args(false);
    addColorOption(*sub, options.color);
    sub->callback([line, &exitCode] {
        if (!line->since.empty()) {
            line->options.sinceUs = view::parseTimeArg(line->since, view::nowWallUs());
        }
        exitCode = runSessions(line->options, std::cout, std::cerr);
    });
}

}  // namespace rtmtap::cli
