// cli/LivePrinter (what `demo` and `replay --serve` print as frames pass): the names, addresses
// and errors in its lines came off the network and are printed escaped (view/TerminalText), the
// name column cut and padded by columns.
#include "cli/LivePrinter.h"

#include <gtest/gtest.h>

#include <sstream>

namespace rtmtap::cli {
namespace {

Message event(const std::string& payload) {
    Message m;
    m.session = 1;
    m.seq = 1;
    m.dir = Direction::ServerToClient;
    m.payload = payload;
    m.size = payload.size();
    return m;
}

TEST(LivePrinterTest, RecordedTextIsPrintedEscaped) {
    std::ostringstream out;
    LivePrinter printer(out);
    SessionInfo info;
    info.id = 1;
    info.client = "127.0.0.1:1\x1b[2J";
    info.upstream = "ws://h/\xe2\x80\xae" "x";
    printer.onSessionStart(info);
    printer.onMessage(event("{\"event\":\"chat\\u001b[31m\\u009b\"}"));
    SessionEnd end;
    end.id = 1;
    end.closed_by = "server";
    end.close_code = 1011;
    end.error = "upstream said \x07\x1b]0;title\x07";
    printer.onSessionEnd(end);
    const std::string text = out.str();
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << text;
    EXPECT_EQ(text.find('\x07'), std::string::npos) << text;
    EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos) << text;
    EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos) << text;
    EXPECT_NE(text.find("opened: 127.0.0.1:1\\x1b[2J -> ws://h/\\xe2\\x80\\xaex\n"), std::string::npos) << text;
    EXPECT_NE(text.find("chat\\x1b[31m\\xc2\\x9b "), std::string::npos) << text;
    EXPECT_NE(text.find("ended: closed by server (1011): upstream said \\x07\\x1b]0;title\\x07\n"), std::string::npos) << text;
}

TEST(LivePrinterTest, ALongNameIsCutByColumnsAndTheSizeStaysInItsPlace) {
    std::ostringstream ascii, accented;
    LivePrinter(ascii).onMessage(event("{\"event\":\"" + std::string(40, 'a') + "\"}"));
    LivePrinter(accented).onMessage(event("{\"event\":\"" + std::string(40, 'a').replace(0, 2, "\xc3\xa9") + "\"}"));
    const std::string a = ascii.str(), e = accented.str();
    EXPECT_NE(a.find(std::string(27, 'a') + "…"), std::string::npos) << a;
    EXPECT_NE(e.find("\xc3\xa9" + std::string(26, 'a') + "…"), std::string::npos) << e;
    // The same columns: the accented line is one byte longer (é is two bytes, one column).
    EXPECT_EQ(e.size(), a.size() + 1) << a << e;
}

}  // namespace
}  // namespace rtmtap::cli
