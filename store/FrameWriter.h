#pragma once
// The recorder's database side, used only by its writer thread: indexes each record
// (protocol/Classifier), interns names, redacts ws_auth tokens and API secrets and inserts through statements
// prepared once. The caller groups writes into transactions with begin/commit/rollback.
#include "BlockIndexer.h"
#include "Database.h"
#include "RecordQueue.h"
#include "Statement.h"
#include "TextIndex.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rtmtap {

struct Classification;
struct RecordedApiCall;

// A recorder marks the file as recorded by it while it is open (store/RecorderClaim.h); an
// importer refuses a file a live recorder holds.
enum class WriterRole { Recorder, Importer };

class FrameWriter {
public:
    // Opens (creating with mode 0600) and migrates the database. Throws DatabaseError, also when
    // a live recorder in another process holds the file and role is Recorder. maxBytes > 0 caps
    // the file (PRAGMA max_page_count in pages of the file's own size; tests fill a disk with it).
    FrameWriter(const std::string& path, bool keepSecrets, int64_t maxBytes, WriterRole role);
    ~FrameWriter();

    // max(session id)+1 as found at open.
    int64_t firstFreeSessionId() const { return firstFreeSessionId_; }
    // max(session id)+1 now: inside a transaction, what an importer may allocate from.
    int64_t queryFreeSessionId();
    // Whether the sessions table holds id (this transaction's rows included).
    bool hasSession(int64_t id);

    void begin();
    // Inside a transaction: throws DatabaseError when a live recorder holds the file.
    void checkNotRecording();
    void write(const Record& record);  // throws DatabaseError; the transaction must be rolled back
    void commit();
    void rollback() noexcept;  // also forgets the names interned since begin()
    // The file was removed or renamed under us (see Database::fileMoved).
    bool fileMoved() const { return db_.fileMoved(); }
    // Outside a transaction: copies the sessions rows with these ids into the rtmtap database at
    // path (another file: the one that took over after fileMoved()). Throws DatabaseError.
    void copySessionsTo(const std::string& path, const std::vector<int64_t>& ids);
    // Outside a transaction: extends the full-text index over up to maxIds more frames, in a
    // transaction of its own. Returns the ids covered, 0 when the index is complete.
    int64_t indexText(int64_t maxIds);
    // sessions.label of a session already written ("" stores NULL); for imports.
    void writeLabel(int64_t session, const std::string& label);
    // An API call of an imported session's login, linked to that session (written already),
    // redacted like the recorder's.
    void writeImportedApiCall(int64_t session, const RecordedApiCall& call);

private:
    void writeSession(const SessionInfo& info);
    void writeMessage(const Message& message);
    void writeEnd(const SessionEnd& end);
    void writeGap(const GapRow& gap);
    void writeFindings(const FindingBatch& batch);
    // An API call, redacted (store/ApiRedaction.h), linked to the session its ws_token led to.
    void writeApiCall(const ApiExchange& exchange);
    // session: the link when it is known (an import), else it is looked up by the ws_token.
    void insertApiCall(const ApiExchange& exchange, std::optional<int64_t> session, const std::string& loginKey);
    void attachPreflight(const std::string& loginKey, const std::string& path, const std::string& client, int64_t startedUs);
    // For a ws_auth command: records the token's claims on the session and, unless keepSecrets,
    // returns the payload with the token redacted in place; "" when the payload is stored as is.
    std::string applyAuth(const Message& message, const Classification& index, uint32_t& flags);
    std::optional<int64_t> nameId(const std::string& name);
    void loadNames();

    Database db_;
    WriterRole role_;
    bool keepSecrets_;
    int64_t firstFreeSessionId_ = 1;
    Statement begin_, commit_, rollback_;
    Statement insertFrame_, insertSession_, endSession_, authWithClaims_, authTokenOnly_;
    Statement insertApiCall_, linkApiCalls_, attachPreflight_, setLabel_, insertGap_;
    Statement insertFinding_, deleteFindings_;
    Statement insertName_, selectName_;
    BlockIndexer blocks_;
    TextIndex text_;
    std::unordered_map<std::string, int64_t> names_;
    std::vector<std::string> namesThisBatch_;
};

}  // namespace rtmtap
