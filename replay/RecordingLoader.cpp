#include "RecordingLoader.h"
#include "pg/OpenReader.h"

#include "store/HarFormat.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "store/Reader.h"
#include "store/RecordingCollector.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sys/stat.h>

namespace rtmtap {
namespace {

enum class FileFormat { Jsonl, Har, Neither };

bool isSessionId(const std::string& source) {
    return !source.empty() && source.find_first_not_of("0123456789") == std::string::npos;
}

bool isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The stored headers (a JSON object of strings, store/ApiRedaction.h) as a list, in their order.
HeaderList headersFromJson(const std::string& json) {
    HeaderList list;
    if (json.empty()) {
        return list;
    }
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        Poco::JSON::Object::Ptr object = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        for (const std::string& name : object->getNames()) {
            list.emplace_back(name, object->get(name).toString());
        }
    } catch (const Poco::Exception&) {
        list.clear();  // not the JSON object the store writes (an edited file): no headers
    }
    return list;
}

// ---- a session of a database ----

std::optional<SessionEnd> endOf(const SessionRow& row) {
    if (!row.ended_wall_us) {
        return std::nullopt;
    }
    SessionEnd end;
    end.id = row.id;
    end.ended_wall_us = *row.ended_wall_us;
    end.duration_us = row.duration_us.value_or(*row.ended_wall_us - row.started_wall_us);
    end.close_code = row.close_code.value_or(-1);
    end.close_reason = row.close_reason;
    end.closed_by = row.closed_by;
    end.error = row.error;
    end.http_status = row.http_status.value_or(101);
    return end;
}

RecordedApiCall apiCallOf(ApiCallRow&& row) {
    RecordedApiCall call;
    call.started_wall_us = row.started_wall_us;
    call.method = std::move(row.method);
    call.path = std::move(row.path);
    call.status = row.status;
    call.response_headers = headersFromJson(row.response_headers_json);
    call.response_body = std::move(row.response_body);
    call.request_headers = headersFromJson(row.request_headers_json);
    call.request_body = std::move(row.request_body);
    return call;
}

Recording readSession(Reader& reader, int64_t id, const std::string& source, const std::string& dbPath) {
    std::optional<SessionRow> row = reader.session(id);
    if (!row) {
        throw RecordingError("no session " + source + " in " + dbPath + " (rtmtap sessions lists them)");
    }
    Recording r;
    r.info.id = id;
    r.info.started_wall_us = row->started_wall_us;
    r.info.client = row->client;
    r.info.upstream = row->upstream;
    r.info.path = row->path;
    r.info.subprotocol = row->subprotocol;
    r.info.headers = headersFromJson(row->headers_json);
    r.end = endOf(*row);
    r.label = row->label;
    reader.frames(id, [&](const FrameRow& frame) {
        r.frames.push_back(frame.message);
        return true;
    });
    for (ApiCallRow& call : reader.sessionApiCalls(id)) {
        r.apiCalls.push_back(apiCallOf(std::move(call)));
    }
    r.dbSessionId = id;
    r.describe = "session " + std::to_string(id) + " of " + dbPath;
    return r;
}

Recording fromDatabase(const std::string& source, const std::string& dbPath, std::optional<int> position) {
    if (position) {
        throw RecordingError("--session " + std::to_string(*position) + " picks a session within a file; session " +
                             source + " of " + dbPath + " is one session already");
    }
    int64_t id = 0;
    auto [end, ec] = std::from_chars(source.data(), source.data() + source.size(), id);
    if (ec != std::errc() || end != source.data() + source.size()) {
        throw RecordingError("no session " + source + " in " + dbPath + " (rtmtap sessions lists them)");
    }
    try {
        const std::unique_ptr<Reader> reader = openReader(dbPath);
        return readSession(*reader, id, source, dbPath);
    } catch (const RecordingError&) {
        throw;
    } catch (const std::exception& e) {
        throw RecordingError(e.what());  // DatabaseError: one line naming the file already
    }
}

// ---- a session of a file ----

// By content: a HAR is a JSON object whose (only) key is "log"; rtmtap JSONL starts with its
// session line, a JSON object with an "rtmtap" member. Leaves in at the first byte to read.
FileFormat formatOf(std::istream& in) {
    std::streamoff start = 0;
    char bom[3] = {};
    if (in.read(bom, 3) && std::memcmp(bom, "\xEF\xBB\xBF", 3) == 0) {
        start = 3;
    }
    in.clear();
    in.seekg(start);
    char c = 0;
    while (in.get(c) && isBlank(c)) {
    }
    if (!in || c != '{') {
        return FileFormat::Neither;
    }
    while (in.get(c) && isBlank(c)) {
    }
    char key[4] = {};
    bool har = in && c == '"' && in.read(key, 4) && std::memcmp(key, "log\"", 4) == 0;
    in.clear();
    in.seekg(start);
    if (har) {
        return FileFormat::Har;
    }
    std::string line;
    while (std::getline(in, line) && line.find_first_not_of(" \t\r") == std::string::npos) {
    }
    in.clear();
    in.seekg(start);
    try {
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        return object->has("rtmtap") ? FileFormat::Jsonl : FileFormat::Neither;
    } catch (const Poco::Exception&) {
        return FileFormat::Neither;
    }
}

std::string sessionsText(int count) {
    return std::to_string(count) + (count == 1 ? " WebSocket session" : " WebSocket sessions");
}

void openFile(const std::string& path, std::ifstream& in) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            throw RecordingError(path + " does not exist (a session id, or a JSONL or HAR file)");
        }
        throw RecordingError("cannot read " + path + ": " + std::strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        throw RecordingError(path + " is a directory, not a JSONL or HAR file");
    }
    in.open(path, std::ios::binary);
    if (!in) {
        throw RecordingError("cannot read " + path + ": " + std::strerror(errno));
    }
}

// Reads every session of the file into collector; the readers' errors keep their location.
void readFile(const std::string& path, std::istream& in, FileFormat format, RecordingCollector& collector) {
    try {
        if (format == FileFormat::Har) {
            HarFormat::read(in, collector, "", HarApiCalls::Attach);
        } else {
            JsonlFormat::read(in, collector, "", nullptr);
        }
    } catch (const ImportError& e) {
        throw RecordingError(path + ": " + e.what());
    } catch (const Poco::Exception& e) {
        throw RecordingError(path + ": " + e.displayText());
    }
}

Recording fromFile(const std::string& path, std::optional<int> position, std::string* notice) {
    if (position && *position < 1) {
        throw RecordingError("--session " + std::to_string(*position) + " is not a position in " + path +
                             " (they count from 1)");
    }
    std::ifstream in;
    openFile(path, in);
    const FileFormat format = formatOf(in);
    if (format == FileFormat::Neither) {
        throw RecordingError(path + " is neither rtmtap JSONL nor a HAR file");
    }
    RecordingCollector collector(position.value_or(1));
    readFile(path, in, format, collector);
    const int count = collector.sessions();
    if (count == 0) {
        throw RecordingError(path + " holds no WebSocket session");
    }
    if (position && *position > count) {
        throw RecordingError(path + " holds " + sessionsText(count) + "; --session " + std::to_string(*position) +
                             " is not one of them");
    }
    if (!position && count > 1 && notice) {
        *notice = path + " holds " + sessionsText(count) + "; replaying the first (--session N picks another)";
    }
    Recording r = std::move(*collector.take());
    r.describe = "session " + std::to_string(position.value_or(1)) + " of " + path;
    return r;
}

}  // namespace

Recording loadRecording(const std::string& source, const std::string& dbPath, std::optional<int> position,
                        std::string* notice) {
    if (notice) {
        notice->clear();
    }
    if (isSessionId(source)) {
        return fromDatabase(source, dbPath, position);
    }
    return fromFile(source, position, notice);
}

}  // namespace rtmtap
