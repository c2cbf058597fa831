// proxy/ByteBuffer: the relay's byte queues. What goes in at the tail comes out at the head,
// unchanged, however appends, prepare/commit and consumes interleave and however large it gets.
#include "proxy/ByteBuffer.h"

#include "tests/support/TestData.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>

namespace rtmtap::test {
namespace {

std::string contents(const ByteBuffer& buffer) {
    return std::string(buffer.data(), buffer.size());
}

TEST(ByteBuffer, StartsEmpty) {
    ByteBuffer buffer;
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(buffer.size(), 0u);
}

TEST(ByteBuffer, AppendedBytesComeOutInOrder) {
    ByteBuffer buffer;
    buffer.append("hello ", 6);
    buffer.append("world", 5);
    EXPECT_EQ(contents(buffer), "hello world");
    buffer.consume(6);
    EXPECT_EQ(contents(buffer), "world");
    buffer.append("!", 1);
    EXPECT_EQ(contents(buffer), "world!");
}

TEST(ByteBuffer, PrepareGivesRoomAndCommitKeepsOnlyWhatWasWritten) {
    ByteBuffer buffer;
    buffer.append("ab", 2);
    char* room = buffer.prepare(100);
    std::memcpy(room, "cdef", 4);
    buffer.commit(3);  // as a short read does: room for 100, 3 arrived
    EXPECT_EQ(contents(buffer), "abcde");
    EXPECT_EQ(buffer.prepare(1), buffer.data() + buffer.size());
}

TEST(ByteBuffer, ZeroSizedOperationsChangeNothing) {
    ByteBuffer buffer;
    buffer.append(nullptr, 0);
    buffer.consume(0);
    EXPECT_TRUE(buffer.empty());
    buffer.append("xyz", 3);
    buffer.append(nullptr, 0);
    buffer.consume(0);
    EXPECT_EQ(contents(buffer), "xyz");
}

TEST(ByteBuffer, ConsumingAllOrMoreEmptiesIt) {
    ByteBuffer buffer;
    buffer.append("abc", 3);
    buffer.consume(3);
    EXPECT_TRUE(buffer.empty());
    buffer.append("def", 3);
    buffer.consume(10);  // more than it holds: empty, not wrapped around
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(buffer.size(), 0u);
    buffer.append("g", 1);
    EXPECT_EQ(contents(buffer), "g");
}

TEST(ByteBuffer, ClearDiscardsEverything) {
    ByteBuffer buffer;
    buffer.append("abc", 3);
    buffer.clear();
    EXPECT_TRUE(buffer.empty());
    buffer.append("d", 1);
    EXPECT_EQ(contents(buffer), "d");
}

// The relay's usual rhythm: a message in, the message out. The storage is reused every time.
TEST(ByteBuffer, ABufferDrainedBetweenMessagesNeverMoves) {
    ByteBuffer buffer;
    const std::string message = randomBytes(3000, 1);
    buffer.append(message.data(), message.size());
    const char* home = buffer.data();
    for (int i = 0; i < 1000; ++i) {
        buffer.consume(message.size());
        buffer.append(message.data(), message.size());
        ASSERT_EQ(buffer.data(), home) << "round " << i;
    }
    EXPECT_EQ(contents(buffer), message);
}

// A small tail behind a consumed head slides down to make room rather than growing the storage.
TEST(ByteBuffer, ASmallTailSlidesDownInsteadOfGrowing) {
    ByteBuffer buffer;
    const std::string bytes = randomBytes(4000, 2);
    buffer.append(bytes.data(), bytes.size());
    const char* home = buffer.data();
    buffer.consume(3000);
    const std::string more = randomBytes(3000, 3);
    buffer.append(more.data(), more.size());
    EXPECT_EQ(buffer.data(), home);
    EXPECT_EQ(contents(buffer), bytes.substr(3000) + more);
}

TEST(ByteBuffer, ALargeTailMovesIntoBiggerStorageIntact) {
    ByteBuffer buffer;
    const std::string bytes = randomBytes(4000, 4);
    buffer.append(bytes.data(), bytes.size());
    buffer.consume(1000);  // 3000 left: more than half, too much to slide
    const std::string more = randomBytes(5000, 5);
    buffer.append(more.data(), more.size());
    EXPECT_EQ(contents(buffer), bytes.substr(1000) + more);
}

TEST(ByteBuffer, FillingToTheEdgeOfItsStorageAndOneByteMore) {
    // 4096 bytes is what a first append gets; fill it exactly, then cross the edge.
    for (size_t first : {size_t(4095), size_t(4096), size_t(4097)}) {
        ByteBuffer buffer;
        const std::string a = randomBytes(first, 6);
        buffer.append(a.data(), a.size());
        buffer.append("z", 1);
        EXPECT_EQ(contents(buffer), a + "z") << first;
    }
}

TEST(ByteBuffer, TensOfMegabytesInOddChunks) {
    ByteBuffer buffer;
    const std::string source = randomBytes(40u << 20, 7);
    size_t in = 0, out = 0;
    size_t chunkIn = 1, chunkOut = 3;
    while (out < source.size()) {
        const size_t n = std::min(chunkIn, source.size() - in);
        buffer.append(source.data() + in, n);
        in += n;
        const size_t take = std::min(chunkOut, buffer.size());
        ASSERT_EQ(std::memcmp(buffer.data(), source.data() + out, take), 0) << "at byte " << out;
        buffer.consume(take);
        out += take;
        chunkIn = chunkIn * 3 + 1 < (5u << 20) ? chunkIn * 3 + 1 : 17;  // 1, 4, 13, ... up to 5 MiB
        chunkOut = chunkOut * 2 + 5 < (6u << 20) ? chunkOut * 2 + 5 : 11;
    }
    EXPECT_EQ(in, source.size());
    EXPECT_TRUE(buffer.empty());
}

TEST(ByteBuffer, OnePrepareOfSixtyFourMegabytes) {
    ByteBuffer buffer;
    buffer.append("head", 4);
    const size_t big = 64u << 20;
    char* room = buffer.prepare(big);
    std::memset(room, 'x', big);
    room[big - 1] = 'y';
    buffer.commit(big);
    ASSERT_EQ(buffer.size(), big + 4);
    EXPECT_EQ(std::string(buffer.data(), 5), "headx");
    EXPECT_EQ(buffer.data()[big + 3], 'y');
}

// Any interleaving of appends, prepare/commit and consumes against std::string as the model.
TEST(ByteBuffer, RandomOperationsMatchAString) {
    std::mt19937 random(99);
    std::uniform_int_distribution<int> pick(0, 9);
    std::uniform_int_distribution<size_t> size(0, 70000);
    ByteBuffer buffer;
    std::string model;
    for (int i = 0; i < 3000; ++i) {
        const int op = pick(random);
        const size_t n = op < 8 ? size(random) % (op < 4 ? 300 : 70000) : 0;
        if (op < 4 || op == 6) {
            const std::string bytes = randomBytes(n, static_cast<uint32_t>(i));
            buffer.append(bytes.data(), bytes.size());
            model += bytes;
        } else if (op == 7) {
            const std::string bytes = randomBytes(n, static_cast<uint32_t>(i));
            char* room = buffer.prepare(n + 64);
            std::memcpy(room, bytes.data(), n);
            buffer.commit(n);
            model += bytes;
        } else if (op == 8) {
            buffer.consume(model.size());
            model.clear();
            buffer.shrinkIfIdle();
        } else {
            const size_t take = std::min(n, model.size());
            buffer.consume(take);
            model.erase(0, take);
        }
        ASSERT_EQ(buffer.size(), model.size()) << "operation " << i;
        ASSERT_EQ(buffer.empty(), model.empty()) << "operation " << i;
        ASSERT_TRUE(contents(buffer) == model) << "operation " << i;
    }
}

TEST(ByteBuffer, ShrinkingKeepsWhatIsStillQueued) {
    ByteBuffer buffer;
    const std::string bytes = randomBytes(100000, 8);
    buffer.append(bytes.data(), bytes.size());
    buffer.consume(99990);
    buffer.shrinkIfIdle();  // not idle: ten bytes wait
    EXPECT_EQ(contents(buffer), bytes.substr(99990));
    buffer.consume(10);
    buffer.shrinkIfIdle();
    EXPECT_TRUE(buffer.empty());
    buffer.append("again", 5);  // usable after giving its memory back
    EXPECT_EQ(contents(buffer), "again");
}

}  // namespace
}  // namespace rtmtap::test
