#include "InterceptPrompt.h"

#include "EditLoop.h"
#include "Editor.h"
#include "JsonPretty.h"
#include "control/InterceptClient.h"
#include "protocol/Base64.h"
#include "protocol/JsonScanner.h"
#include "protocol/JsonText.h"
#include "protocol/Utf8.h"
#include "view/TerminalText.h"
#include "store/ImportError.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <poll.h>
#include <sstream>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

std::string trimmed(const std::string& s) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) {
        return "";
    }
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The file as saved with its '#' lines blanked (so that a position still counts lines as the
// file does), or removed.
std::string withoutComments(const std::string& text, bool keepLines) {
    std::istringstream in(text);
    std::string line, out;
    while (std::getline(in, line)) {
        if (line.rfind('#', 0) != 0) {
            out += line;
        }
        if (keepLines || line.rfind('#', 0) != 0) {
            out += '\n';
        }
    }
    return out;
}

// What an edit sends: the saved text without '#' lines and the whitespace around it, as it is
// otherwise (not re-serialised). A frame that was JSON must stay JSON: ImportError with the line.
std::string checkedEdit(const std::string& text, bool json) {
    if (json) {
        const std::string body = withoutComments(text, true);
        JsonHandler ignore;
        JsonScanner scanner(body);
        if (!scanner.scan(ignore)) {
            const size_t at = std::min(scanner.position(), body.size());
            const uint64_t line = 1 + static_cast<uint64_t>(std::count(body.begin(), body.begin() + at, '\n'));
            throw ImportError(line, "not valid JSON (the frame was JSON; '#' lines are left out)");
        }
    }
    return trimmed(withoutComments(text, false));
}

std::string describeDir(const std::string& dir) {
    return dir == "c2s" ? "client \u2192 server" : "server \u2192 client";
}

}  // namespace

InterceptPrompt::InterceptPrompt(InterceptClient& client, std::string db, double holdSeconds, Palette palette)
    : client_(client), db_(std::move(db)), holdSeconds_(holdSeconds), palette_(palette) {}

std::string InterceptPrompt::seconds() const {
    std::ostringstream s;
    s << holdSeconds_;
    return s.str();
}

int InterceptPrompt::run(int in, std::ostream& out, std::ostream& err) {
    out_ = &out;
    err_ = &err;
    inIsTerminal_ = ::isatty(in) == 1;
    out << palette_.dim("intercepting on the proxy of '" + db_ + "': matching frames wait for you (at most " +
                        seconds() + " s each); end of input (Ctrl-D) forwards all and quits")
        << std::endl;
    try {
        for (;;) {
            takeEvents();
            if (client_.ended()) {
                note("");
                err << "rtmtap: the proxy on '" << db_
                    << "' closed the connection (it stopped?); the frames it held went on unchanged\n";
                return 2;
            }
            if (!held_.empty() && shown_ != held_.front().id) {
                show(held_.front());
                ask();
            } else if (!held_.empty() && !promptOpen_) {
                ask();  // a note or a wrong answer took the question's line
            }
            std::string line;
            const Input got = readLine(in, line);
            if (got == Input::End) {
                note("");
                return forwardAll("end of input");
            }
            if (got == Input::Line && answer(line)) {
                return forwardAll("all");
            }
        }
    } catch (const std::exception& e) {
        note("");
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
}

void InterceptPrompt::takeEvents() {
    for (const Poco::JSON::Object::Ptr& e : client_.takeEvents()) {
        const std::string event = e->optValue<std::string>("event", "");
        const int64_t id = e->optValue<int64_t>("id", 0);
        if (event == "held") {
            Frame f;
            f.id = id;
            f.session = e->optValue<int64_t>("session", 0);
            f.size = e->optValue<int64_t>("size", 0);
            f.dir = e->optValue<std::string>("dir", "");
            f.op = e->optValue<std::string>("op", "");
            f.kind = e->optValue<std::string>("kind", "");
            f.name = e->isNull("name") ? "" : e->optValue<std::string>("name", "");
            f.text = e->has("payload");
            if (f.text) {
                f.payload = e->getValue<std::string>("payload");
            } else {
                f.payload = decodeBase64(e->optValue<std::string>("payload_base64", "")).value_or("");
                f.text = isValidUtf8(f.payload) && f.op != "close";
            }
            held_.push_back(std::move(f));
            continue;
        }
        auto it = std::find_if(held_.begin(), held_.end(), [&](const Frame& f) { return f.id == id; });
        if (it == held_.end()) {
            continue;
        }
        if (event == "expired") {
            note(palette_.warn("frame " + std::to_string(id) + " went on unchanged after " + seconds() +
                               " s (--hold-timeout)"));
        } else if (event == "ended") {
            note(palette_.warn("frame " + std::to_string(id) + " was not sent: session " + std::to_string(it->session) +
                               " ended while it was held"));
        } else {
            continue;
        }
        held_.erase(it);
    }
}

void InterceptPrompt::note(const std::string& line) {
    if (promptOpen_) {
        *out_ << '\n';
        promptOpen_ = false;
    }
    if (!line.empty()) {
        *out_ << line << '\n';
    }
    out_->flush();
}

void InterceptPrompt::show(const Frame& f) {
    note("");
    if (shown_ != 0) {
        *out_ << '\n';  // a blank line between frames
    }
    const std::string arrow = f.dir == "c2s" ? palette_.c2s(describeDir(f.dir)) : palette_.s2c(describeDir(f.dir));
    std::string what = f.name.empty() ? f.op : f.kind + " " + palette_.bold(terminalLine(f.name, 200));
    if (!f.name.empty() && f.op != "text") {
        what += " (" + f.op + ")";
    }
    std::string header = palette_.bold("frame " + std::to_string(f.id)) + palette_.dim(" \u00b7 session " + std::to_string(f.session)) +
                         " \u00b7 " + arrow + " \u00b7 " + what + palette_.dim(" \u00b7 " + std::to_string(f.size) + " bytes");
    if (held_.size() > 1) {
        header += palette_.dim(" \u00b7 " + std::to_string(held_.size() - 1) + " more held");
    }
    *out_ << header << '\n';
    if (!f.text) {
        *out_ << "{\"base64\": " << jsonString(encodeBase64(f.payload)) << "}\n";
    } else if (std::optional<std::string> pretty = prettyJson(f.payload)) {
        *out_ << terminalLines(*pretty, "");  // shown escaped; the editor gets the payload itself
    } else {
        *out_ << terminalSafe(f.payload) << '\n';
    }
    shown_ = f.id;
}

void InterceptPrompt::ask() {
    *out_ << "forward / edit / drop / all? [f/e/d/a] " << std::flush;
    promptOpen_ = true;
}

InterceptPrompt::Input InterceptPrompt::readLine(int in, std::string& line) {
    for (;;) {
        const size_t newline = input_.find('\n');
        if (newline != std::string::npos) {
            line = input_.substr(0, newline);
            input_.erase(0, newline + 1);
            promptOpen_ = promptOpen_ && !inIsTerminal_;  // a terminal echoes the newline
            return Input::Line;
        }
        pollfd fds[2] = {{in, POLLIN, 0}, {client_.wakeFd(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            throw std::runtime_error(std::string("cannot wait for input: ") + std::strerror(errno));
        }
        if (fds[1].revents != 0) {
            return Input::Wake;
        }
        char chunk[4096];
        const ssize_t n = ::read(in, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (input_.empty()) {
                return Input::End;
            }
            input_ += '\n';  // a last answer without its newline still counts
            continue;
        }
        input_.append(chunk, static_cast<size_t>(n));
    }
}

bool InterceptPrompt::answer(const std::string& line) {
    const std::string a = lower(trimmed(line));
    if (held_.empty()) {
        if (!a.empty()) {
            note(palette_.dim("(no frame is held yet)"));
        }
        return false;
    }
    if (a == "a" || a == "all") {
        return true;
    }
    if (a == "f" || a == "forward") {
        decide("forward");
    } else if (a == "d" || a == "drop") {
        decide("drop");
    } else if (a == "e" || a == "edit") {
        edit();
    } else if (!a.empty()) {
        note("answer f (forward it), e (edit it in " + editorCommand() + "), d (drop it) or a (forward all and quit)");
    }
    return false;
}

void InterceptPrompt::decide(const std::string& action, const std::string& payloadField) {
    const Frame f = held_.front();
    const std::string request = "{\"cmd\":\"decide\",\"id\":" + std::to_string(f.id) + ",\"action\":\"" + action + "\"" +
                                payloadField + "}";
    Poco::JSON::Object::Ptr answer = client_.request(request);
    takeEvents();  // what came before the answer: this frame may have gone on meanwhile
    auto it = std::find_if(held_.begin(), held_.end(), [&](const Frame& h) { return h.id == f.id; });
    const bool stillListed = it != held_.end();
    const std::string code = answer->optValue<std::string>("code", "");
    if (!answer->getValue<bool>("ok") && code != "not_held") {
        note(palette_.error("frame " + std::to_string(f.id) + ": " + answer->optValue<std::string>("error", "refused")));
        return;  // still held: the user chooses again
    }
    if (stillListed) {
        held_.erase(it);
    }
    if (!answer->getValue<bool>("ok")) {
        if (stillListed) {
            note(palette_.warn(answer->optValue<std::string>("error", "")));  // gone before the answer
        }
        return;
    }
    if (action == "forward") {
        note(palette_.dim("frame " + std::to_string(f.id) + " forwarded"));
    } else if (action == "drop") {
        note(palette_.warn("frame " + std::to_string(f.id) + " dropped"));
    } else {
        note(palette_.warn("frame " + std::to_string(f.id) + " edited") + palette_.dim(" (sent instead of it)"));
    }
}

void InterceptPrompt::edit() {
    const Frame f = held_.front();
    if (!f.text) {
        note("frame " + std::to_string(f.id) + " is " + f.op + " and not text: it cannot be edited here (forward or drop it)");
        return;
    }
    std::optional<std::string> payload = editedPayload(f);
    takeEvents();
    if (held_.empty() || held_.front().id != f.id) {
        if (payload) {
            note(palette_.warn("your edit of frame " + std::to_string(f.id) + " was not sent"));
        }
        return;
    }
    if (payload) {
        decide("edit", isValidUtf8(*payload) ? ",\"payload\":" + jsonString(*payload)
                                             : ",\"payload_base64\":\"" + encodeBase64(*payload) + "\"");
    }
}

// Runs the editor on the frame (pretty when it is JSON) until what is saved reads; nullopt when
// the user gave up or left it unchanged (said on the way).
std::optional<std::string> InterceptPrompt::editedPayload(const Frame& f) {
    const std::optional<std::string> pretty = prettyJson(f.payload);
    struct Removed {
        std::string path;
        ~Removed() { std::remove(path.c_str()); }
    } file{privateTempFile("rtmtap-intercept-" + std::to_string(f.id), pretty ? ".json" : ".txt")};
    std::string sent;
    EditLoopWords words;
    words.howTo = "fix it and save to send it; empty the file, or quit the editor with an error, to choose again";
    words.nothingDone = "frame " + std::to_string(f.id) + " is still held";
    const std::string editor = editorCommand();
    note("");
    EditLoop loop(
        file.path, [&](const std::string& path) { return runEditor(editor, path); },
        [&](const std::string& text) { sent = checkedEdit(text, pretty.has_value()); }, words);
    const EditOutcome outcome = loop.run((pretty ? *pretty : f.payload) + "\n");
    switch (outcome.kind) {
    case EditOutcome::Kind::Accepted:
        return sent;
    case EditOutcome::Kind::Unchanged:
        note("frame " + std::to_string(f.id) + " unchanged in the editor: still held");
        return std::nullopt;
    default:
        note(palette_.error(outcome.message));
        return std::nullopt;
    }
}

int InterceptPrompt::forwardAll(const std::string& why) {
    Poco::JSON::Object::Ptr answer = client_.request("{\"cmd\":\"forward_all\"}");
    takeEvents();
    if (!answer->getValue<bool>("ok")) {
        *err_ << "rtmtap: " << answer->optValue<std::string>("error", "the proxy refused to forward all") << '\n';
        return 2;
    }
    const int64_t n = answer->optValue<int64_t>("forwarded", 0);
    note(palette_.dim(why + ": forwarded " + std::to_string(n) + " held frame" + (n == 1 ? "" : "s") +
                      "; no longer intercepting"));
    client_.close();
    return 0;
}

}  // namespace rtmtap::cli
