#pragma once
// The Reader (store/Reader.h) of a fleet database: the rtmtap schema of a PostgreSQL server that
// `rtmtap ship` fills (docs/postgresql.md, PG-DESIGN.md "Reading"). Every method means what it
// means for a SQLite file; the differences are the ids: sessions are rtmtap.sessions.id (each
// source's sessions numbered anew), frames are ordered across sessions by rtmtap.frames.id
// (arrival at the server; for one source, its local order), and SessionRow.source is the
// source's name. Filters become SQL through pg/PgFrameFilter; what SQL cannot decide exactly
// (--text words of several tokens, --where) is checked again on each candidate by
// pg/FrameRecheck with SQLite's own expressions, so both stores give the same frames.
#include "store/Reader.h"

#include <memory>
#include <string>

namespace rtmtap::pg {

class PgConnection;
class PgResult;
struct PgFrameFilterSql;

class PgReader final : public Reader {
public:
    // Connects and checks the schema. Throws a one-line std::runtime_error (PgError): the
    // server is unreachable or refuses the login, it holds no rtmtap schema, or a newer one.
    explicit PgReader(const std::string& url);
    ~PgReader() override;

    std::string location() const override;
    std::vector<SessionRow> sessions() override;
    std::optional<SessionRow> session(int64_t id) override;
    void frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) override;
    std::vector<ApiCallRow> sessionApiCalls(int64_t sessionId) override;
    std::vector<StoredFinding> findings(int64_t sessionId) override;
    std::vector<SystemPingCall> systemPingCalls(std::optional<int64_t> sessionId) override;
    int64_t lastFrameId() override;
    void framesBetween(int64_t afterId, int64_t upToId, const FrameFilter& filter,
                       const std::function<bool(const FrameRow&)>& fn) override;
    void query(const FrameFilter& filter, SearchOrder order, const std::function<bool(const FrameRow&)>& fn) override;
    int64_t count(const FrameFilter& filter) override;
    void frameSummaries(std::optional<int64_t> sessionId, const std::function<bool(const FrameSummary&)>& fn) override;
    std::vector<GapRow> unrecordedGaps(std::optional<int64_t> sessionId) override;
    std::vector<RuleCountRow> ruleCounts(int64_t fromUs, int64_t toUs) override;

private:
    PgFrameFilterSql filterSql(const FrameFilter& filter, int firstParam);
    // Streams the frames `FROM rtmtap.frames f ... WHERE <where>` in order, the candidates
    // rechecked where sql says so.
    void filteredFrames(const std::string& where, const std::string& orderBy, const PgFrameFilterSql& sql,
                        std::vector<std::optional<std::string>> params, const std::function<bool(const FrameRow&)>& fn);

    std::string url_;
    std::unique_ptr<PgConnection> db_;
};

}  // namespace rtmtap::pg
