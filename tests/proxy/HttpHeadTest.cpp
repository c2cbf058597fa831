// proxy/HttpHead's pure helpers on parsed heads.
#include "proxy/HttpHead.h"

#include <Poco/Net/HTTPResponse.h>

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

size_t limitFor(const char* contentLength, size_t limit = 1u << 20) {
    Poco::Net::HTTPResponse response(Poco::Net::HTTPResponse::HTTP_FORBIDDEN);
    if (contentLength != nullptr) {
        response.set("Content-Length", contentLength);
    }
    return responseBodyLimit(response, limit);
}

// A refusal's body is read up to its Content-Length; a header that is not a number (fuzzing found
// "925jZQ==", on which Poco's getContentLength64 throws and took the handshake thread down) counts
// as absent: read until the peer closes, bounded.
TEST(HttpHeadTest, ResponseBodyLimitReadsContentLengthOrFallsBackToTheBound) {
    EXPECT_EQ(limitFor("9"), 9u);
    EXPECT_EQ(limitFor("0"), 0u);
    EXPECT_EQ(limitFor(nullptr), 1u << 20);
    EXPECT_EQ(limitFor("925jZQ=="), 1u << 20);
    EXPECT_EQ(limitFor("-5"), 1u << 20);
    EXPECT_EQ(limitFor("1,000"), 1u << 20);
    EXPECT_EQ(limitFor(""), 1u << 20);
    EXPECT_EQ(limitFor("99999999999999999999999"), 1u << 20);
    EXPECT_EQ(limitFor("5000", 100), 100u);
}

// The status of an upstream's answer is three digits; Poco would take "-1" (fuzzing found it) and
// hold it in its status enum, which UBSan reports when read back.
TEST(HttpHeadTest, HeadStatusIsThreeDigitsOrNone) {
    EXPECT_EQ(headStatus("HTTP/1.1 101 Switching Protocols\r\n\r\n"), 101);
    EXPECT_EQ(headStatus("HTTP/1.1 403\r\n\r\n"), 403);
    EXPECT_EQ(headStatus("  HTTP/1.0\t200 OK\r\n"), 200);
    EXPECT_EQ(headStatus("\xff\xff\t -1\r\nHost: x\r\n\r\n"), -1);
    EXPECT_EQ(headStatus("HTTP/1.1 +50 X\r\n"), -1);
    EXPECT_EQ(headStatus("HTTP/1.1 2000 X\r\n"), -1);
    EXPECT_EQ(headStatus("HTTP/1.1"), -1);
    EXPECT_EQ(headStatus(""), -1);
}

}  // namespace
}  // namespace rtmtap
