#include "FrameLists.h"

#include "store/SessionImporter.h"

#include <Poco/JSON/Parser.h>

#include <sstream>

namespace rtmtap::test {

void importSessions(const std::string& db, const std::vector<std::vector<PlannedFrame>>& sessions,
                    const std::function<int64_t(size_t)>& startUs) {
    SessionImporter importer(db);
    for (size_t s = 0; s < sessions.size(); ++s) {
        int64_t start = startUs(s);
        ImportedSession session;
        session.info.started_wall_us = start;
        session.info.client = "127.0.0.1:4000" + std::to_string(s);
        importer.beginSession(session);
        int64_t seq = 0;
        for (const PlannedFrame& f : sessions[s]) {
            ++seq;
            Message m;
            m.dir = f.dir;
            m.op = f.op;
            m.payload = f.payload;
            m.size = f.payload.size();
            m.t_us = seq * 1'000'000;
            m.wall_us = start + seq * 1'000'000;
            importer.addFrame(std::move(m));
        }
    }
    importer.commit();
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

std::string idOf(const Poco::JSON::Object::Ptr& frame) {
    return std::to_string(frame->getValue<int64_t>("session")) + ":" + std::to_string(frame->getValue<int64_t>("seq"));
}

std::vector<std::string> jsonlIds(const std::string& out) {
    std::vector<std::string> ids;
    for (const std::string& line : lines(out)) {
        Poco::JSON::Parser parser;
        ids.push_back(idOf(parser.parse(line).extract<Poco::JSON::Object::Ptr>()));
    }
    return ids;
}

}  // namespace rtmtap::test
