#pragma once
// The Reader of a local SQLite file, as the recorder writes it (docs/schema.md).
#include "Reader.h"

#include <memory>
#include <string>

namespace rtmtap {

class SqliteReader final : public Reader {
public:
    // Opens read-only. Throws std::runtime_error with a one-line reason (missing file, not an
    // rtmtap database, newer schema version).
    explicit SqliteReader(const std::string& dbPath);
    ~SqliteReader() override;

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
    std::vector<GapRow> unrecordedGaps(std::optional<int64_t> session) override;
    std::vector<RuleCountRow> ruleCounts(int64_t fromUs, int64_t toUs) override;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rtmtap
