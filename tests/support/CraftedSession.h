#pragma once
// A session made by hand for lint's tests: frames of both directions with times, linted through
// the engine exactly as `rtmtap lint` feeds it (one session, start to end); or written into a
// database as the proxy (recordSessions) or an import (importSession) writes one.
#include "lint/LintEngine.h"
#include "protocol/Message.h"
#include "protocol/Session.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::test {

class CraftedSession {
public:
    static constexpr int64_t kStartWallUs = 1'764'000'000'000'000;  // 2025-11-24T16:00:00Z

    explicit CraftedSession(int64_t id = 7, int64_t startWallUs = kStartWallUs);

    // The next frames come at this time since the session began (they advance 1 ms each).
    CraftedSession& at(double seconds);
    CraftedSession& client(std::string payload, Opcode op = Opcode::Text);
    CraftedSession& server(std::string payload, Opcode op = Opcode::Text);
    CraftedSession& clientClose(uint16_t code, const std::string& reason = "");
    CraftedSession& serverClose(uint16_t code, const std::string& reason = "");

    int64_t id() const { return id_; }
    int64_t startWallUs() const { return startWallUs_; }
    const std::vector<Message>& messages() const { return messages_; }
    // An end at the last frame's time (plus 1 ms): close code 1000 when a close frame was sent,
    // else 1006 (a drop), as the proxy records it.
    LintSessionEnd end() const;

    // Runs engine over this session (start, frames, end()).
    std::vector<Finding> lint(LintEngine& engine) const;
    // The same with another end (a drop by a named side, a later end, a session still open).
    std::vector<Finding> lint(LintEngine& engine, const LintSessionEnd& end) const;

private:
    CraftedSession& add(Direction dir, Opcode op, std::string payload);

    int64_t id_;
    int64_t startWallUs_;
    int64_t nextUs_ = 0;
    std::vector<Message> messages_;
};

// Records the sessions into a database through the store's Recorder, as the proxy would (client
// 127.0.0.1:1, upstream ws://127.0.0.1:9/, started at each one's start); the sessions stay open.
void recordSessions(const std::string& db, const std::vector<const CraftedSession*>& sessions);

// Writes the session into a database (created when missing) as `rtmtap import` writes a file's:
// through store/SessionImporter, in one transaction, every frame classified, interned and
// indexed as the recorder does (the full-text index is left behind, as import leaves it:
// TextIndex::catchUp). The session gets the next free id (returned); its end is end()'s, with
// the first close frame's code and reason. info.id is ignored; label "" stores none.
int64_t importSession(const std::string& db, const CraftedSession& session, const SessionInfo& info,
                      const std::string& label = "");

// {"command":"ws_auth","auth_token":"<JWT with these claims>"}.
std::string wsAuthFrame(const std::string& claimsJson);
// The findings of one rule.
std::vector<Finding> findingsOf(const std::vector<Finding>& findings, const std::string& rule);
// Every finding, one a line ("rule severity seq: sentence"), for a test's failure message.
std::string describe(const std::vector<Finding>& findings);

}  // namespace rtmtap::test
