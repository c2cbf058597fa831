// `rtmtap inject (--session N | --user U) --to client|server [--op OP] (JSON | @FILE | -)`: sends one
// frame into live sessions of the running proxy, through its control socket
// (control/ControlClient.h). The relay takes it through its filters and records it as injected.
#include "Commands.h"
#include "control/ControlClient.h"
#include "protocol/Base64.h"
#include "protocol/JsonScanner.h"
#include "protocol/Message.h"
#include "protocol/Utf8.h"
#include "store/JsonObject.h"

#include <Poco/JSON/Array.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

namespace rtmtap::cli {
namespace {

struct InjectOptions {
    std::string db;
    std::optional<int64_t> session;
    std::string user;
    std::string to;          // "client" | "server"
    std::string op = "text";
    std::string frame;       // JSON text, @FILE or -
};

// The frame's bytes as the argument names them; nullopt after one line on err.
std::optional<std::string> readFrame(const std::string& arg, std::istream& in, std::ostream& err) {
    if (arg == "-") {
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (arg.empty() || arg[0] != '@') {
        return arg;
    }
    std::ifstream file(arg.substr(1), std::ios::binary);
    std::ostringstream bytes;
    if (!file || !(bytes << file.rdbuf())) {
        // An empty file also fails the copy: it is no frame either.
        err << "rtmtap: cannot read '" << arg.substr(1) << "' (or it is empty; check the path)\n";
        return std::nullopt;
    }
    return bytes.str();
}

// Text frames must be JSON: what an RTM peer sends. Whitespace around it (a file's last newline)
// is not part of the frame.
bool checkJson(std::string& payload, std::ostream& err) {
    auto end = payload.find_last_not_of(" \t\r\n");
    payload.erase(end == std::string::npos ? 0 : end + 1);
    auto begin = payload.find_first_not_of(" \t\r\n");
    payload.erase(0, begin == std::string::npos ? payload.size() : begin);
    JsonHandler ignore;
    if (!JsonScanner(payload).scan(ignore)) {
        err << "rtmtap: the frame is not valid JSON (a text frame must be; --op binary sends any bytes)\n";
        return false;
    }
    return true;
}

std::string requestJson(const InjectOptions& o, Opcode op, const std::string& payload) {
    JsonObject json;
    json.string("cmd", "inject");
    if (o.session) {
        json.number("session", *o.session);
    } else {
        json.string("user", o.user);
    }
    json.string("dir", o.to == "client" ? "s2c" : "c2s").string("op", toString(op));
    if (op == Opcode::Text && isValidUtf8(payload)) {
        json.string("payload", payload);
    } else {
        json.string("payload_base64", encodeBase64(payload));
    }
    return json.str();
}

std::vector<int64_t> ids(const Poco::JSON::Object& answer, const std::string& key) {
    std::vector<int64_t> out;
    Poco::JSON::Array::Ptr array = answer.getArray(key);
    for (size_t i = 0; array && i < array->size(); ++i) {
        out.push_back(array->get(i).convert<int64_t>());
    }
    return out;
}

std::string joined(const std::vector<int64_t>& values) {
    std::string out;
    for (int64_t v : values) {
        out += (out.empty() ? "" : ", ") + std::to_string(v);
    }
    return out;
}

int report(const InjectOptions& o, const Poco::JSON::Object& answer, size_t bytes, std::ostream& out, std::ostream& err) {
    if (!answer.getValue<bool>("ok")) {
        err << "rtmtap: " << answer.optValue<std::string>("error", "the proxy refused the frame") << '\n';
        return 2;
    }
    std::vector<int64_t> injected = ids(answer, "injected");
    for (int64_t missed : ids(answer, "missed")) {
        err << "rtmtap: session " << missed << " ended before it took the frame\n";
    }
    if (injected.empty()) {
        err << "rtmtap: no live session of user '" << o.user << "' in the proxy on '" << o.db
            << "' (rtmtap sessions --live lists them)\n";
        return 1;
    }
    out << "injected " << o.op << " (" << bytes << " bytes) to the " << o.to << " of session"
        << (injected.size() > 1 ? "s " : " ") << joined(injected) << '\n';
    return 0;
}

int runInject(const InjectOptions& o, std::istream& in, std::ostream& out, std::ostream& err) {
    Opcode op = Opcode::Text;
    if (!parseOpcode(o.op, op)) {
        err << "rtmtap: --op must be text, binary, ping or pong\n";
        return 2;
    }
    std::optional<std::string> payload = readFrame(o.frame, in, err);
    if (!payload || (op == Opcode::Text && !checkJson(*payload, err))) {
        return 2;
    }
    try {
        ControlClient client(o.db);
        Poco::JSON::Object::Ptr answer = client.request(requestJson(o, op, *payload));
        return report(o, *answer, payload->size(), out, err);
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
}

}  // namespace

void setupInject(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<InjectOptions>();
    o->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("inject", "Send a frame into live sessions of the running proxy");
    sub->footer(
        "The frame enters the session's relay as if its peer had sent it now: --to client goes to the client\n"
        "(as from the server, s2c), --to server to the server (c2s). It passes the proxy's filters and is\n"
        "recorded with the injected flag. The proxy is the one recording into --db (its control socket is\n"
        "DB.ctl). Exit: 0 when a session took the frame; 1 when --user has no live session; 2 when no proxy\n"
        "runs, the frame is not valid JSON (text), the session has ended, or on a usage error.\n"
        "Examples:\n"
        "  rtmtap inject --session 3 --to server '{\"command\":\"ws_ping\"}'   as if the client sent it\n"
        "  rtmtap inject --user 1 --to client @event.json   to every live session of user 1\n"
        "  rtmtap inject --session 3 --to client --op ping hello   a protocol ping to the client");
    sub->add_option("--db", o->db, "The database the proxy records into ($RTMTAP_DB, else ./rtmtap.db)")
        ->capture_default_str();
    CLI::Option* session = sub->add_option("--session", o->session, "The live session with this id")->type_name("N");
    CLI::Option* user = sub->add_option("--user", o->user, "Every live session of this user (id or name, from ws_auth)")
                            ->type_name("U");
    session->excludes(user);
    sub->add_option("--to", o->to, "Who receives the frame")->required()->check(CLI::IsMember({"client", "server"}));
    sub->add_option("--op", o->op, "Frame type (ping and pong: at most 125 bytes)")
        ->check(CLI::IsMember({"text", "binary", "ping", "pong"}))
        ->capture_default_str();
    sub->add_option("frame", o->frame, "The frame: JSON text, @FILE, or - for stdin (whitespace around JSON is dropped)")
        ->required();
    sub->callback([o, session, user, &exitCode] {
        if (!*session && !*user) {
            throw CLI::RequiredError("--session or --user");
        }
        exitCode = runInject(*o, std::cin, std::cout, std::cerr);
    });
}

}  // namespace rtmtap::cli
