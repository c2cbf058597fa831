#include "CraftedSession.h"

#include "TestData.h"
#include "proxy/FrameCodec.h"
#include "protocol/CloseFrame.h"
#include "store/Recorder.h"
#include "store/SessionImporter.h"

#include <cmath>

namespace rtmtap::test {

CraftedSession::CraftedSession(int64_t id, int64_t startWallUs) : id_(id), startWallUs_(startWallUs) {}

CraftedSession& CraftedSession::at(double seconds) {
    nextUs_ = static_cast<int64_t>(std::llround(seconds * 1e6));
    return *this;
}

CraftedSession& CraftedSession::client(std::string payload, Opcode op) {
    return add(Direction::ClientToServer, op, std::move(payload));
}

CraftedSession& CraftedSession::server(std::string payload, Opcode op) {
    return add(Direction::ServerToClient, op, std::move(payload));
}

CraftedSession& CraftedSession::clientClose(uint16_t code, const std::string& reason) {
    return add(Direction::ClientToServer, Opcode::Close, closePayload(code, reason));
}

CraftedSession& CraftedSession::serverClose(uint16_t code, const std::string& reason) {
    return add(Direction::ServerToClient, Opcode::Close, closePayload(code, reason));
}

CraftedSession& CraftedSession::add(Direction dir, Opcode op, std::string payload) {
    Message m;
    m.session = id_;
    m.seq = static_cast<int64_t>(messages_.size()) + 1;
    m.dir = dir;
    m.op = op;
    m.t_us = nextUs_;
    m.fwd_us = nextUs_;
    m.wall_us = startWallUs_ + nextUs_;
    m.size = payload.size();
    m.payload = std::move(payload);
    messages_.push_back(std::move(m));
    nextUs_ += 1000;
    return *this;
}

LintSessionEnd CraftedSession::end() const {
    LintSessionEnd end;
    end.ended = true;
    end.ended_wall_us = startWallUs_ + nextUs_;
    end.close_code = 1006;
    for (const Message& m : messages_) {
        if (m.op == Opcode::Close) {
            end.close_code = 1000;
            end.closed_by = m.dir == Direction::ClientToServer ? "client" : "server";
            break;
        }
    }
    return end;
}

std::vector<Finding> CraftedSession::lint(LintEngine& engine) const {
    return lint(engine, end());
}

std::vector<Finding> CraftedSession::lint(LintEngine& engine, const LintSessionEnd& end) const {
    engine.startSession(id_, startWallUs_);
    for (const Message& m : messages_) {
        engine.onMessage(m);
    }
    return engine.endSession(end);
}

void recordSessions(const std::string& db, const std::vector<const CraftedSession*>& sessions) {
    RecorderOptions options;
    options.dbPath = db;
    Recorder recorder(options);
    for (const CraftedSession* s : sessions) {
        SessionInfo info;
        info.id = s->id();
        info.client = "127.0.0.1:1";
        info.upstream = "ws://127.0.0.1:9/";
        info.started_wall_us = s->startWallUs();
        recorder.onSessionStart(info);
    }
    for (const CraftedSession* s : sessions) {
        for (const Message& m : s->messages()) {
            recorder.onMessage(m);
        }
    }
    recorder.close();
}

namespace {

// end() as the store keeps it: the first close frame's own code and reason.
SessionEnd storedEnd(const CraftedSession& session) {
    const LintSessionEnd lintEnd = session.end();
    SessionEnd end;
    end.ended_wall_us = lintEnd.ended_wall_us;
    end.duration_us = lintEnd.ended_wall_us - session.startWallUs();
    end.close_code = lintEnd.close_code.value_or(1006);
    end.closed_by = lintEnd.closed_by;
    for (const Message& m : session.messages()) {
        if (m.op == Opcode::Close) {
            end.close_code = closeCodeOf(m.payload, 1005);
            end.close_reason = std::string(closeReasonOf(m.payload));
            break;
        }
    }
    return end;
}

}  // namespace

int64_t importSession(const std::string& db, const CraftedSession& session, const SessionInfo& info,
                      const std::string& label) {
    SessionImporter importer(db);
    ImportedSession imported;
    imported.info = info;
    imported.info.started_wall_us = session.startWallUs();
    imported.end = storedEnd(session);
    imported.label = label;
    const int64_t id = importer.beginSession(imported);
    for (const Message& m : session.messages()) {
        importer.addFrame(Message(m));
    }
    importer.commit();
    return id;
}

std::string wsAuthFrame(const std::string& claimsJson) {
    return R"({"command":"ws_auth","auth_token":")" + makeJwt(claimsJson) + "\"}";
}

std::vector<Finding> findingsOf(const std::vector<Finding>& findings, const std::string& rule) {
    std::vector<Finding> out;
    for (const Finding& f : findings) {
        if (f.rule == rule) {
            out.push_back(f);
        }
    }
    return out;
}

std::string describe(const std::vector<Finding>& findings) {
    std::string text;
    for (const Finding& f : findings) {
        text += f.rule + " " + toString(f.severity) + " " + std::to_string(f.seq) + ": " + f.sentence + "\n";
    }
    return text;
}

}  // namespace rtmtap::test
