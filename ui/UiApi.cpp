#include "UiApi.h"

#include "HttpReply.h"
#include "store/HarFormat.h"
#include "store/JsonObject.h"
#include "store/JsonlFormat.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "view/FindingJson.h"
#include "view/FrameFollower.h"
#include "view/FrameJson.h"
#include "view/SessionFilter.h"
#include "view/SessionJson.h"
#include "view/ShellWord.h"
#include "view/StatsJson.h"
#include "view/TextSearchPrep.h"
#include "view/TimeArg.h"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>

namespace rtmtap::ui {
namespace {

using Status = Poco::Net::HTTPResponse::HTTPStatus;

constexpr int64_t kDefaultLimit = 200;
constexpr int64_t kMaxLimit = 5000;
constexpr int64_t kDefaultBuckets = 300;
constexpr int64_t kMaxBuckets = 2000;

std::optional<std::string> param(const QueryParams& params, const std::string& name) {
    for (const auto& [n, v] : params) {
        if (n == name) {
            return v;
        }
    }
    return std::nullopt;
}

// An integer parameter within [low, high]; a 400 naming it otherwise.
std::optional<int64_t> intParam(const QueryParams& params, const std::string& name, int64_t low, int64_t high) {
    std::optional<std::string> text = param(params, name);
    if (!text) {
        return std::nullopt;
    }
    size_t used = 0;
    int64_t value = 0;
    try {
        value = std::stoll(*text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text->size() || value < low || value > high) {
        throw HttpError(Status::HTTP_BAD_REQUEST, name + "=" + *text + ": expected a whole number from " +
                                                      std::to_string(low) + " to " + std::to_string(high));
    }
    return value;
}

void onlyParams(const QueryParams& params, const std::set<std::string>& allowed) {
    for (const auto& [name, value] : params) {
        if (!allowed.count(name)) {
            std::string list;
            for (const std::string& a : allowed) {
                list += (list.empty() ? "" : ", ") + a;
            }
            throw HttpError(Status::HTTP_BAD_REQUEST, "unknown parameter '" + name + "' (this endpoint takes " +
                                                          (list.empty() ? std::string("none") : list) + ")");
        }
    }
}

FrameFilter filterOf(const QueryParams& params, const std::set<std::string>& own) {
    try {
        return frameFilterOf(params, own);
    } catch (const std::invalid_argument& e) {
        throw HttpError(Status::HTTP_BAD_REQUEST, e.what());
    }
}

int64_t sessionParam(const QueryParams& params) {
    std::optional<int64_t> id = intParam(params, "session", 1, INT64_MAX);
    if (!id) {
        throw HttpError(Status::HTTP_BAD_REQUEST, "session=ID is needed (/api/sessions lists them)");
    }
    return *id;
}

SessionRow sessionOrNotFound(Reader& reader, int64_t id) {
    std::optional<SessionRow> row = reader.session(id);
    if (!row) {
        throw HttpError(Status::HTTP_NOT_FOUND, "no session " + std::to_string(id) + " in this database");
    }
    return *row;
}

// The commands a person copies to do from a shell what the page shows.
std::string commandsJson(const std::string& db, int64_t id) {
    const std::string sid = std::to_string(id);
    const std::string dbArg = " --db " + view::shellWord(db);
    return JsonObject()
        .string("show", "rtmtap show " + sid + dbArg)
        .string("export_jsonl", "rtmtap export " + sid + dbArg + " -o session-" + sid + ".jsonl")
        .string("export_har", "rtmtap export " + sid + dbArg + " -o session-" + sid + ".har")
        .string("replay", "rtmtap replay " + sid + dbArg)
        .str();
}

}  // namespace

void UiApi::handle(const std::string& path, const QueryParams& params, Poco::Net::HTTPServerRequest& request,
                   Poco::Net::HTTPServerResponse& response) {
    const std::string route = path.substr(std::string("/api/").size());
    if (route == "info") {
        onlyParams(params, {"token"});
        info(response);
    } else if (route == "sessions") {
        sessions(params, response);
    } else if (route.rfind("sessions/", 0) == 0) {
        onlyParams(params, {"token"});
        QueryParams id = {{"session", route.substr(std::string("sessions/").size())}};
        session(sessionParam(id), response);
    } else if (route == "frames") {
        frames(params, response);
    } else if (route == "stats") {
        stats(params, response);
    } else if (route == "export") {
        exportSession(params, response);
    } else if (route == "tail") {
        tail(params, request, response);
    } else {
        throw HttpError(Status::HTTP_NOT_FOUND, "no such endpoint: " + path + " (docs/ui-api.md lists them)");
    }
}

void UiApi::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
}

bool UiApi::pause(int ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    return wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

void UiApi::info(Poco::Net::HTTPServerResponse& response) {
    sendJson(response, JsonObject()
                           .string("db", config_.db)
                           .string("version", config_.version)
                           .string("listen", config_.listen)
                           .str());
}

// `rtmtap sessions --json` with its filters; an empty list while no recorder has made the file.
void UiApi::sessions(const QueryParams& params, Poco::Net::HTTPServerResponse& response) {
    onlyParams(params, {"since", "user", "label", "token"});
    view::SessionFilter filter;
    for (const auto& [name, value] : params) {
        try {
            if (name == "since") {
                filter.sinceUs = view::parseTimeArg(value, view::nowWallUs());
            } else if (name == "user") {
                QueryParams one = {{"user", value}};
                filter.users.push_back(*intParam(one, "user", INT64_MIN, INT64_MAX));
            } else if (name == "label") {
                filter.labels.push_back(value);
            }
        } catch (const std::invalid_argument& e) {
            throw HttpError(Status::HTTP_BAD_REQUEST, name + ": " + e.what());
        }
    }
    std::vector<std::string> items;
    if (view::probeDatabase(config_.db) == view::DatabaseState::Ready) {
        const std::unique_ptr<Reader> reader = openReader(config_.db);
        for (const SessionRow& row : reader->sessions()) {
            if (filter.matches(row)) {
                items.push_back(view::sessionJson(row));
            }
        }
    }
    sendJson(response, jsonArray(items));
}

void UiApi::session(int64_t id, Poco::Net::HTTPServerResponse& response) {
    const std::unique_ptr<Reader> reader = openReader(config_.db);
    SessionRow row = sessionOrNotFound(*reader, id);
    std::vector<std::string> calls, findings;
    for (const ApiCallRow& call : reader->sessionApiCalls(id)) {
        calls.push_back(JsonlFormat::apiCallLine(call));
    }
    for (const StoredFinding& stored : reader->findings(id)) {
        findings.push_back(view::findingJson(stored.finding, stored.source));
    }
    sendJson(response, JsonObject()
                           .raw("session", view::sessionJson(row))
                           .raw("api_calls", jsonArray(calls))
                           .raw("findings", jsonArray(findings))
                           .raw("commands", commandsJson(config_.db, id))
                           .str());
}

// `rtmtap query --jsonl` a page at a time, with the count of `query --count`.
void UiApi::frames(const QueryParams& params, Poco::Net::HTTPServerResponse& response) {
    const std::set<std::string> own = {"offset", "limit", "at", "order", "token"};
    FrameFilter filter = filterOf(params, own);
    int64_t offset = intParam(params, "offset", 0, INT64_MAX).value_or(0);
    const int64_t limit = intParam(params, "limit", 1, kMaxLimit).value_or(kDefaultLimit);
    const std::optional<int64_t> at = intParam(params, "at", 0, INT64_MAX);
    const std::string orderText = param(params, "order").value_or("asc");
    if (orderText != "asc" && orderText != "desc") {
        throw HttpError(Status::HTTP_BAD_REQUEST, "order=" + orderText + ": expected asc or desc");
    }
    if (at && filter.sessions.size() != 1) {
        throw HttpError(Status::HTTP_BAD_REQUEST, "at=SEQ needs exactly one session=ID");
    }
    const SearchOrder order = orderText == "desc" ? SearchOrder::Descending : SearchOrder::Ascending;
    view::prepareTextSearch(config_.db, filter, std::cerr);
    const std::unique_ptr<Reader> reader = openReader(config_.db);
    const int64_t total = reader->count(filter);
    std::optional<int64_t> atIndex;
    if (at) {
        int64_t index = 0;
        reader->query(filter, order, [&](const FrameRow& row) {
            if (order == SearchOrder::Ascending ? row.message.seq >= *at : row.message.seq <= *at) {
                atIndex = index;
                return false;
            }
            ++index;
            return true;
        });
        offset = std::max<int64_t>(0, atIndex.value_or(total) - limit / 4);
    }
    std::vector<std::string> items;
    int64_t index = 0;
    reader->query(filter, order, [&](const FrameRow& row) {
        if (index++ >= offset) {
            items.push_back(view::frameJson(row));
        }
        return static_cast<int64_t>(items.size()) < limit;
    });
    JsonObject json;
    json.number("total", total).number("offset", offset).number("at_index", atIndex);
    const std::string flags = filterFlags(params, own);
    json.string("query", "rtmtap query --db " + view::shellWord(config_.db) + (flags.empty() ? "" : " " + flags));
    sendJson(response, json.raw("frames", jsonArray(items)).str());
}

// `rtmtap stats --json`, and for one session its timeline.
void UiApi::stats(const QueryParams& params, Poco::Net::HTTPServerResponse& response) {
    onlyParams(params, {"session", "gap", "buckets", "token"});
    std::optional<int64_t> id;
    if (param(params, "session")) {
        id = sessionParam(params);
    }
    SessionStatsSettings settings;
    if (std::optional<int64_t> gap = intParam(params, "gap", 1, 86'400)) {
        settings.gapUs = *gap * 1'000'000;
    }
    settings.timelineBuckets = static_cast<size_t>(intParam(params, "buckets", 1, kMaxBuckets).value_or(kDefaultBuckets));
    const std::unique_ptr<Reader> reader = openReader(config_.db);
    std::optional<SessionStats> stats = view::readStats(*reader, id, settings);
    if (!stats) {
        throw HttpError(Status::HTTP_NOT_FOUND, "no session " + std::to_string(*id) + " in this database");
    }
    sendJson(response, view::statsJson(*stats, settings.gapUs));
}

// The file `rtmtap export ID --format F` writes, as a download.
void UiApi::exportSession(const QueryParams& params, Poco::Net::HTTPServerResponse& response) {
    onlyParams(params, {"session", "format", "token"});
    const int64_t id = sessionParam(params);
    const std::string format = param(params, "format").value_or("jsonl");
    if (format != "jsonl" && format != "har") {
        throw HttpError(Status::HTTP_BAD_REQUEST, "format=" + format + ": expected jsonl or har");
    }
    const std::unique_ptr<Reader> reader = openReader(config_.db);
    SessionRow row = sessionOrNotFound(*reader, id);
    setCommonHeaders(response);
    response.setContentType(format == "har" ? "application/json; charset=utf-8" : "application/x-ndjson; charset=utf-8");
    response.set("Content-Disposition", "attachment; filename=\"session-" + std::to_string(id) + "." + format + "\"");
    response.setChunkedTransferEncoding(true);
    std::ostream& out = response.send();
    if (format == "har") {
        HarFormat::write(out, row, *reader, [](int64_t) {});
    } else {
        JsonlFormat::write(out, row, *reader, [](uint64_t) {});
    }
}

// Server-sent events fed as `rtmtap tail` is fed (view/FrameFollower).
void UiApi::tail(const QueryParams& params, Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    FrameFilter filter = filterOf(params, {"from", "token"});
    std::optional<int64_t> from = intParam(params, "from", 0, INT64_MAX);
    if (!from && request.has("Last-Event-ID")) {
        QueryParams last = {{"Last-Event-ID", request.get("Last-Event-ID")}};
        from = intParam(last, "Last-Event-ID", 0, INT64_MAX);
    }
    setCommonHeaders(response);
    response.setContentType("text/event-stream; charset=utf-8");
    response.setChunkedTransferEncoding(true);
    std::ostream& out = response.send();
    out << "retry: 2000\n\n" << std::flush;
    // A database that appears while we wait holds only new frames: they are all sent.
    bool waited = false;
    while (view::probeDatabase(config_.db) != view::DatabaseState::Ready) {
        waited = true;
        if (pause(config_.tailPollMs) || !(out << ": waiting for the database\n\n" << std::flush)) {
            return;
        }
    }
    const std::unique_ptr<Reader> reader = openReader(config_.db);
    view::FrameFollower follower(filter);
    follower.startAt(from.value_or(waited ? 0 : reader->lastFrameId()));
    out << "id: " << follower.position() << "\n\n" << std::flush;
    int quietMs = 0;
    while (out) {
        const int64_t before = follower.position();
        bool going = follower.poll(
            *reader, [&](const FrameRow& row) { return static_cast<bool>(out << "event: frame\ndata: " << view::frameJson(row) << "\n\n"); },
            [&] { return static_cast<bool>(out << "id: " << follower.position() << "\n\n" << std::flush); });
        if (!going) {
            return;
        }
        quietMs = follower.position() != before ? 0 : quietMs + config_.tailPollMs;
        if (quietMs >= config_.keepaliveMs) {
            quietMs = 0;
            out << ": keepalive\n\n" << std::flush;
        }
        if (pause(config_.tailPollMs)) {
            return;
        }
    }
}

}  // namespace rtmtap::ui
