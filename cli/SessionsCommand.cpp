#include "SessionsCommand.h"

#include "Commands.h"
#include "JsonObject.h"
#include "JsonOut.h"
#include "protocol/Utf8.h"
#include "store/Reader.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>

namespace rtmtap::cli {
namespace {

// The file is not trusted: stored JSON is embedded only if it really is a JSON object.
bool isJsonObject(const std::string& text) {
    if (text.empty() || text.front() != '{' || !isValidUtf8(text)) {
        return false;
    }
    try {
        Poco::JSON::Parser parser;
        return !parser.parse(text).isEmpty();
    } catch (const std::exception&) {
        return false;
    }
}

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
    } else if (row.http_status && *row.http_status != 101) {
        end = "http " + std::to_string(*row.http_status);
    }
    if (!row.error.empty()) {
        end += (end.empty() ? "" : ": ") + row.error;
    }
    return end.empty() ? "-" : end;
}

// Keeps a table cell to one short line: control characters become '?', long text is cut.
std::string cell(const std::string& text, size_t width) {
    std::string out;
    for (char c : text) {
        out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    }
    if (out.size() > width) {
        out = out.substr(0, width - 3) + "...";
    }
    return out;
}

void printTable(const std::vector<SessionRow>& rows, std::ostream& out) {
    const char* headers[] = {"ID", "STARTED", "DURATION", "CLIENT", "PATH", "USER", "FRAMES", "BYTES", "END"};
    const size_t limits[] = {20, 19, 10, 40, 40, 40, 12, 12, 60};
    std::vector<std::vector<std::string>> table;
    for (const SessionRow& row : rows) {
        table.push_back({std::to_string(row.id), localTime(row.started_wall_us),
                         row.duration_us ? humanDuration(*row.duration_us) : "-", row.client, row.path,
                         userOf(row), std::to_string(row.frames), humanBytes(row.bytes), endOf(row)});
    }
    size_t widths[9];
    for (size_t c = 0; c < 9; ++c) {
        widths[c] = std::string(headers[c]).size();
        for (auto& line : table) {
            line[c] = cell(line[c], limits[c]);
            widths[c] = std::max(widths[c], line[c].size());
        }
    }
    auto printLine = [&](const std::vector<std::string>& line) {
        std::string text;
        for (size_t c = 0; c < 9; ++c) {
            bool rightAligned = c == 0 || c == 6 || c == 7;
            std::string pad(widths[c] - line[c].size(), ' ');
            text += rightAligned ? pad + line[c] : line[c] + (c + 1 < 9 ? pad : "");
            text += c + 1 < 9 ? "  " : "";
        }
        out << text << '\n';
    };
    printLine(std::vector<std::string>(std::begin(headers), std::end(headers)));
    for (const auto& line : table) {
        printLine(line);
    }
}

void printJson(const std::vector<SessionRow>& rows, std::ostream& out) {
    out << "[";
    for (size_t i = 0; i < rows.size(); ++i) {
        out << (i ? ",\n " : "\n ") << sessionJson(rows[i]);
    }
    out << (rows.empty() ? "]\n" : "\n]\n");
}

}  // namespace

std::string sessionJson(const SessionRow& row) {
    auto optionalInt = [](const std::optional<int>& v) {
        return v ? std::optional<int64_t>(*v) : std::nullopt;
    };
    JsonObject json;
    json.number("id", row.id)
        .string("started_at", isoUtc(row.started_wall_us))
        .stringOrNull("ended_at", row.ended_wall_us ? isoUtc(*row.ended_wall_us) : "")
        .number("started_us", row.started_wall_us)
        .number("ended_us", row.ended_wall_us)
        .number("duration_us", row.duration_us)
        .string("client", row.client)
        .string("upstream", row.upstream)
        .string("path", row.path)
        .stringOrNull("subprotocol", row.subprotocol)
        .number("http_status", optionalInt(row.http_status))
        .number("user_id", row.user_id)
        .stringOrNull("user_name", row.user_name)
        .stringOrNull("client_ip", row.client_ip)
        .stringOrNull("user_agent", row.user_agent)
        .stringOrNull("token_expiry", row.token_expiry)
        .stringOrNull("finger_print", row.finger_print)
        .number("frames", row.frames)
        .number("bytes", row.bytes)
        .number("close_code", optionalInt(row.close_code));
    // A close frame may carry an empty reason; without a close frame there is no reason at all.
    if (row.close_code) {
        json.string("close_reason", row.close_reason);
    } else {
        json.stringOrNull("close_reason", row.close_reason);
    }
    json.stringOrNull("closed_by", row.closed_by).stringOrNull("error", row.error);
    if (isJsonObject(row.headers_json)) {
        json.raw("headers", row.headers_json);
    } else {
        json.null("headers");
    }
    if (isJsonObject(row.claims_json)) {
        json.raw("claims", row.claims_json);
    } else {
        json.null("claims");
    }
    return json.str();
}

int runSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err) {
    std::vector<SessionRow> rows;
    try {
        Reader reader(options.db);
        rows = reader.sessions();
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
    if (options.json) {
        printJson(rows, out);
    } else if (rows.empty()) {
        err << "rtmtap: no sessions recorded in '" << options.db << "'\n";
    } else {
        printTable(rows, out);
    }
    return 0;
}

void setupSessions(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<SessionsOptions>();
    options->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("sessions", "List the recorded sessions");
    sub->add_option("--db", options->db, "SQLite database to read ($RTMTAP_DB, else ./rtmtap.db)")
        ->capture_default_str();
    sub->add_flag("--json", options->json, "Print a JSON array of session objects");
    sub->callback([options, &exitCode] { exitCode = runSessions(*options, std::cout, std::cerr); });
}

}  // namespace rtmtap::cli
