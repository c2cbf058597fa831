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

TEST(Catalogue, EveryFieldSpecAndRecordParses) {
    std::vector<FieldSpec> specs;
    std::string error;
    for (const FieldRecord& record : catalogueRecords()) {
        EXPECT_TRUE(parseFieldSpec(record.fields, catalogueRecords(), specs, error)) << record.name << ": " << error;
        EXPECT_FALSE(specs.empty()) << record.name;
    }
    for (const CatalogueEntry& entry : catalogue()) {
        EXPECT_TRUE(parseFieldSpec(entry.fields, catalogueRecords(), specs, error)) << entry.name << ": " << error;
        EXPECT_EQ(fieldSpecs(entry).size(), specs.size()) << entry.name;
    }
}

// Events say what their payload is; the commands that carry fields list them; ws_ping, pong and
// the internal commands carry none.
TEST(Catalogue, EventSpecsStartAtThePayloadAndCommandsAtTheTop) {
    for (const CatalogueEntry& entry : catalogue()) {
        const auto& specs = fieldSpecs(entry);
        const bool bare = entry.name == "pong" || entry.name == "ws_ping" || entry.flavour == Flavour::Internal;
        EXPECT_EQ(specs.empty(), bare) << entry.name;
        if (entry.dir == Direction::ServerToClient && !bare) {
            EXPECT_EQ(specs[0].path, "payload") << entry.name;
            EXPECT_TRUE(specs[0].required) << entry.name;
        }
        for (const FieldSpec& spec : specs) {
            const bool inPayload = spec.path == "payload" || spec.path.rfind("payload.", 0) == 0;
            EXPECT_EQ(inPayload, entry.dir == Direction::ServerToClient) << entry.name << " " << spec.path;
        }
    }
    const CatalogueEntry* read = findCatalogueEntry("ws_read_notification", Direction::ClientToServer);
    ASSERT_EQ(fieldSpecs(*read).size(), 2u);
    EXPECT_EQ(fieldSpecs(*read)[1].path, "message_id");
    EXPECT_EQ(fieldSpecs(*read)[1].types, FieldType::kId);
    const CatalogueEntry* reorder = findCatalogueEntry("channel.group.reorder", Direction::ServerToClient);
    EXPECT_EQ(fieldSpecs(*reorder)[0].types, FieldType::kArray);  // protocol-notes.md: an array
}

// What real traffic leaves out is optional: read_users in messages, email in users; and the
// document's string read_user_count is its quirk.
TEST(Catalogue, MessagesAndUsersRequireOnlyWhatBothSidesSend) {
    const CatalogueEntry* posted = findCatalogueEntry("chat.postMessage", Direction::ServerToClient);
    const CatalogueEntry* online = findCatalogueEntry("user.online", Direction::ServerToClient);
    auto find = [](const CatalogueEntry* entry, const std::string& path) -> const FieldSpec* {
        for (const FieldSpec& spec : fieldSpecs(*entry)) {
            if (spec.path == path) {
                return &spec;
            }
        }
        return nullptr;
    };
    ASSERT_NE(find(posted, "payload.message.id"), nullptr);
    EXPECT_TRUE(find(posted, "payload.message.id")->required);
    EXPECT_TRUE(find(posted, "payload.message.content")->required);
    EXPECT_FALSE(find(posted, "payload.message.read_users")->required);
    EXPECT_EQ(find(posted, "payload.message.read_user_count")->quirkTypes, FieldType::kString);
    EXPECT_FALSE(find(online, "payload.user.email")->required);
    EXPECT_TRUE(find(online, "payload.user.id")->required);
}

}  // namespace
}  // namespace rtmtap
