#include "Reader.h"

#include "Database.h"
#include "Schema.h"
#include "Statement.h"
#include "protocol/Classifier.h"

namespace rtmtap {
namespace {

const char* const kSessionColumns =
    "SELECT s.id, s.started_us, s.ended_us, s.duration_us, s.client, s.upstream, s.path, s.subprotocol, "
    "s.headers, s.http_status, s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, "
    "s.finger_print, s.auth_token, s.claims, s.close_code, s.close_reason, s.closed_by, s.error, "
    // Both subqueries read the (session, seq, size) index alone, for one session only.
    "(SELECT count(*) FROM frames f WHERE f.session = s.id), "
    "(SELECT coalesce(sum(f.size), 0) FROM frames f WHERE f.session = s.id) "
    "FROM sessions s";

const char* const kFrames =
    "SELECT f.session, f.seq, f.dir, f.op, f.flags, f.t_us, f.fwd_us, f.wall_us, f.size, f.kind, n.name, "
    "f.channel_id, f.message_id, f.user_id, f.payload "
    "FROM frames f LEFT JOIN names n ON n.id = f.name_id WHERE f.session = ?1 ORDER BY f.seq, f.id";

std::optional<int> optInt(const Statement& s, int column) {
    if (s.isNull(column)) {
        return std::nullopt;
    }
    return static_cast<int>(s.columnInt(column));
}

SessionRow sessionFrom(const Statement& s) {
    SessionRow row;
    row.id = s.columnInt(0);
    row.started_wall_us = s.columnInt(1);
    row.ended_wall_us = s.columnOptInt(2);
    row.duration_us = s.columnOptInt(3);
    row.client = s.columnText(4);
    row.upstream = s.columnText(5);
    row.path = s.columnText(6);
    row.subprotocol = s.columnText(7);
    row.headers_json = s.columnText(8);
    row.http_status = optInt(s, 9);
    row.user_id = s.columnOptInt(10);
    row.user_name = s.columnText(11);
    row.client_ip = s.columnText(12);
    row.user_agent = s.columnText(13);
    row.token_expiry = s.columnText(14);
    row.finger_print = s.columnText(15);
    row.auth_token = s.columnText(16);
    row.claims_json = s.columnText(17);
    row.close_code = optInt(s, 18);
    row.close_reason = s.columnText(19);
    row.closed_by = s.columnText(20);
    row.error = s.columnText(21);
    row.frames = s.columnInt(22);
    row.bytes = s.columnInt(23);
    return row;
}

const char* kindName(int64_t kind) {
    if (kind < 0 || kind > static_cast<int64_t>(Kind::Control)) {
        return "other";  // a value this build does not know (the file is not trusted)
    }
    return toString(static_cast<Kind>(kind));
}

FrameRow frameFrom(const Statement& s) {
    FrameRow row;
    Message& m = row.message;
    m.session = s.columnInt(0);
    m.seq = s.columnInt(1);
    m.dir = s.columnInt(2) == 1 ? Direction::ServerToClient : Direction::ClientToServer;
    m.op = static_cast<Opcode>(s.columnInt(3) & 0xf);
    m.flags = static_cast<uint32_t>(s.columnInt(4));
    m.t_us = s.columnInt(5);
    m.fwd_us = s.isNull(6) ? -1 : s.columnInt(6);
    m.wall_us = s.columnInt(7);
    m.size = static_cast<uint64_t>(s.columnInt(8));
    row.kind = kindName(s.columnInt(9));
    row.name = s.columnText(10);
    row.channel_id = s.columnOptInt(11);
    row.message_id = s.columnOptInt(12);
    row.user_id = s.columnOptInt(13);
    m.payload = s.columnBlob(14);
    return row;
}

}  // namespace

class Reader::Impl {
public:
    explicit Impl(const std::string& path)
        : db_(path, Database::Mode::ReadOnly),
          allSessions_(checked(db_), std::string(kSessionColumns) + " ORDER BY s.id"),
          oneSession_(db_, std::string(kSessionColumns) + " WHERE s.id = ?1"),
          frames_(db_, kFrames) {}

    std::vector<SessionRow> sessions() {
        std::vector<SessionRow> rows;
        while (allSessions_.step()) {
            rows.push_back(sessionFrom(allSessions_));
        }
        allSessions_.reset();
        return rows;
    }

    std::optional<SessionRow> session(int64_t id) {
        oneSession_.bind(1, id);
        std::optional<SessionRow> row;
        if (oneSession_.step()) {
            row = sessionFrom(oneSession_);
        }
        oneSession_.reset();
        return row;
    }

    void frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) {
        frames_.bind(1, sessionId);
        try {
            while (frames_.step()) {
                if (!fn(frameFrom(frames_))) {
                    break;
                }
            }
        } catch (...) {
            frames_.reset();
            throw;
        }
        frames_.reset();
    }

private:
    // Checks the schema before the statements are prepared against it.
    static Database& checked(Database& db) {
        Schema::checkForReading(db);
        return db;
    }

    Database db_;
    Statement allSessions_, oneSession_, frames_;
};

Reader::Reader(const std::string& dbPath) : impl_(std::make_unique<Impl>(dbPath)) {}

Reader::~Reader() = default;

std::vector<SessionRow> Reader::sessions() {
    return impl_->sessions();
}

std::optional<SessionRow> Reader::session(int64_t id) {
    return impl_->session(id);
}

void Reader::frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) {
    return impl_->frames(sessionId, fn);
}

}  // namespace rtmtap
