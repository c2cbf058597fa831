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

// A head that arrives in pieces: its blank line may straddle two reads.
TEST(HttpHeadTest, FindHeadEndFindsTheBlankLineAcrossPieces) {
    EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\n\r\nrest"), 18u);
    EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\n\r\n", 16), 18u);  // "\r\n" searched before, "\r\n" new
    EXPECT_EQ(findHeadEnd("GET / HTTP/1.1\r\n\r"), std::string::npos);
    EXPECT_EQ(findHeadEnd(""), std::string::npos);
}

// What the handshake loop answers at once instead of waiting for the deadline: bytes that cannot
// begin a request line. Anything that still could is left to POCO's parse of the whole head.
TEST(HttpHeadTest, CouldBeHttpRequestRejectsOnlyWhatCannotBeAMethod) {
    EXPECT_TRUE(couldBeHttpRequest(""));
    EXPECT_TRUE(couldBeHttpRequest("G"));
    EXPECT_TRUE(couldBeHttpRequest("GET / HTTP/1.1\r\nHost"));
    EXPECT_TRUE(couldBeHttpRequest("\r\nGET /"));  // an empty line before the request is allowed
    EXPECT_TRUE(couldBeHttpRequest("M-SEARCH * HTTP/1.1"));
    EXPECT_TRUE(couldBeHttpRequest("HELLO THERE"));  // a token, then POCO's to judge (400 then)
    EXPECT_TRUE(couldBeHttpRequest(std::string(32, 'A')));
    EXPECT_FALSE(couldBeHttpRequest(std::string(33, 'A')));
    EXPECT_FALSE(couldBeHttpRequest(std::string("\x16\x03\x01", 3)));  // a TLS ClientHello
    EXPECT_FALSE(couldBeHttpRequest(std::string("\0GET", 4)));
    EXPECT_FALSE(couldBeHttpRequest("GE\x01T / HTTP/1.1"));
    EXPECT_FALSE(couldBeHttpRequest("GET(/) HTTP/1.1"));
    EXPECT_FALSE(couldBeHttpRequest("\xff\xfe"));
}

}  // namespace
}  // namespace rtmtap
