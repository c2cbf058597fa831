#include "protocol/Catalogue.h"

#include <gtest/gtest.h>

#include <set>

namespace rtmtap {
namespace {

TEST(Catalogue, HoldsTheDocumentsSeventeenEventsAndSevenCommands) {
    auto events = documentedEvents();
    EXPECT_EQ(events.size(), 17u);
    EXPECT_EQ(std::set<std::string_view>(events.begin(), events.end()).size(), events.size());
    int commands = 0;
    for (const auto& entry : catalogue()) {
        commands += entry.dir == Direction::ClientToServer && entry.flavour != Flavour::Internal;
        EXPECT_FALSE(entry.description.empty()) << entry.name;
    }
    EXPECT_EQ(commands, 7);
}

TEST(Catalogue, FindsByNameAndDirection) {
    const CatalogueEntry* auth = findCatalogueEntry("ws_auth", Direction::ClientToServer);
    ASSERT_NE(auth, nullptr);
    EXPECT_EQ(auth->flavour, Flavour::Both);
    EXPECT_EQ(findCatalogueEntry("ws_auth", Direction::ServerToClient), nullptr);
    EXPECT_EQ(findCatalogueEntry("ws_stats", Direction::ClientToServer)->flavour, Flavour::Internal);
    EXPECT_EQ(findCatalogueEntry("chat.unreadCountUpdate", Direction::ServerToClient)->flavour, Flavour::DocumentOnly);
    EXPECT_EQ(findCatalogueEntry("channel.updateReadStatus", Direction::ServerToClient)->flavour, Flavour::RealOnly);
    EXPECT_EQ(findCatalogueEntry("nope", Direction::ServerToClient), nullptr);
    EXPECT_STREQ(toString(Flavour::RealOnly), "real");
}

TEST(Catalogue, EveryAnswerLinksAKnownCommandToAKnownEvent) {
    for (const CommandAnswer& a : commandAnswers()) {
        EXPECT_NE(findCatalogueEntry(a.command, Direction::ClientToServer), nullptr) << a.command;
        EXPECT_NE(findCatalogueEntry(a.event, Direction::ServerToClient), nullptr) << a.event;
    }
    EXPECT_TRUE(answers("pong", "ws_ping"));
    EXPECT_TRUE(answers("chat.updateMessage", "ws_add_reaction"));
    EXPECT_FALSE(answers("chat.userTyping", "ws_ephemeral_typing"));  // only the others see it
    EXPECT_FALSE(answers("pong", "ws_add_reaction"));
}

}  // namespace
}  // namespace rtmtap
