#include "DemoCommand.h"

#include "Commands.h"
#include "SessionsCommand.h"
#include "ShowCommand.h"
#include "proxy/Proxy.h"
#include "replay/EchoServer.h"
#include "store/Reader.h"
#include "store/Recorder.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/WebSocket.h>

#include <iostream>
#include <sstream>
#include <vector>

namespace rtmtap::cli {
namespace {

std::string base64url(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder << text;
    encoder.close();
    return out.str();
}

// A ws_token shaped like AirSend's (HS256 header, the real claim names); the signature is a
// placeholder: the echo upstream does not check it, and rtmtap stores it without the signature.
std::string demoToken() {
    return base64url(R"({"typ":"JWT","alg":"HS256"})") + "." +
           base64url(R"({"user_id":91010001,"user_name":"Demo User","client_ip":"127.0.0.1",)"
                     R"("user_agent":"rtmtap-demo","expiry":"2030-01-01 00:00:00","finger_print":"demo12345678",)"
                     R"("topic":"rtm","created_on":1795600000})") +
           ".c2lnbmF0dXJlLW5vdC1jaGVja2Vk";
}

std::vector<std::string> demoScript() {
    return {
        R"({"command":"ws_auth","auth_token":")" + demoToken() + R"("})",
        R"({"command":"ws_ping"})",
        R"({"command":"ws_ephemeral_typing","user_email":"user1@example.test","channel_id":"11010000"})",
        R"({"command":"ws_read_notification","channel_id":"11010000","message_id":"10004"})",
        R"({"command":"ws_add_reaction","message_id":"10004","emoji_value":"U 1F600"})",
        R"({"command":"ws_all_read_notification","channel_id":"11010000"})",
        R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":10005,"user_id":91010001,)"
        R"("channel_id":11010000,"content":"hello through rtmtap"}}})",
        "this line is not JSON",
    };
}

void runClient(uint16_t port, std::ostream& out) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/rtm?client=demo", Poco::Net::HTTPRequest::HTTP_1_1);
    request.set("User-Agent", "rtmtap-demo");
    request.set("Origin", "http://localhost");
    Poco::Net::HTTPResponse response;
    Poco::Net::WebSocket ws(session, request, response);
    ws.setReceiveTimeout(Poco::Timespan(5, 0));
    char buffer[4096];
    int flags = 0;
    for (const std::string& line : demoScript()) {
        ws.sendFrame(line.data(), static_cast<int>(line.size()));
        int n = ws.receiveFrame(buffer, sizeof(buffer), flags);
        out << "  client sent " << line.size() << " B, got back " << n << " B: "
            << std::string(buffer, static_cast<size_t>(std::min(n, 60))) << (n > 60 ? "..." : "") << "\n";
    }
    ws.sendFrame("demo-ping", 9, Poco::Net::WebSocket::FRAME_FLAG_FIN | Poco::Net::WebSocket::FRAME_OP_PING);
    ws.receiveFrame(buffer, sizeof(buffer), flags);
    const char binary[] = {'\x00', '\x01', '\x02', '\xff'};
    ws.sendFrame(binary, sizeof(binary), Poco::Net::WebSocket::FRAME_BINARY);
    ws.receiveFrame(buffer, sizeof(buffer), flags);
    ws.shutdown(1000, "demo done");
    ws.receiveFrame(buffer, sizeof(buffer), flags);
}

}  // namespace

int runDemo(const DemoOptions& options, std::ostream& out, std::ostream& err) {
    try {
        EchoServer echo("127.0.0.1", 0);
        Recorder recorder(RecorderOptions{options.db});
        ProxyConfig config;
        config.listenPort = 0;
        config.upstream = echo.url();
        Proxy proxy(config, {&recorder}, recorder.nextSessionId());
        proxy.start();
        out << "rtmtap demo: proxy " << proxy.listenUrl() << " -> embedded echo upstream " << echo.url()
            << ", recording to " << options.db << "\n";
        runClient(proxy.port(), out);
        proxy.stop();
        recorder.close();
    } catch (const std::exception& e) {
        err << "rtmtap: demo failed: " << e.what() << std::endl;
        return 2;
    }
    out << "\nRecorded sessions:\n";
    runSessions(SessionsOptions{options.db, false}, out, err);
    Reader reader(options.db);
    auto sessions = reader.sessions();
    int64_t last = sessions.empty() ? 0 : sessions.back().id;
    out << "\nFrames of session " << last << ":\n";
    ShowOptions show;
    show.db = options.db;
    show.session = last;
    show.width = 110;
    runShow(show, out, err);
    out << "\nNext, try:\n"
        << "  build/bin/rtmtap show " << last << " --db " << options.db << " --jsonl\n"
        << "  build/bin/rtmtap sessions --db " << options.db << " --json\n"
        << "  sqlite3 " << options.db << " 'SELECT seq, dir, op, name, text FROM v_frames WHERE session = " << last << "'\n"
        << "  build/bin/rtmtap proxy --listen 127.0.0.1:9001 --upstream ws://YOUR-RTM-HOST:9001 --db rtmtap.db\n";
    return 0;
}

void setupDemo(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<DemoOptions>();
    CLI::App* cmd = app.add_subcommand("demo", "Run the proxy in front of an embedded echo upstream with a scripted client");
    cmd->add_option("--db", options->db, "Database to record into")->capture_default_str();
    cmd->callback([options, &exitCode] { exitCode = runDemo(*options, std::cout, std::cerr); });
}

}  // namespace rtmtap::cli
