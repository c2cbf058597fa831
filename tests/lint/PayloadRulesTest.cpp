// The payload rules of `rtmtap lint` (command-fields, event-meta, unknown-event, event-shape),
// each made to fire and kept quiet through the engine, on the document's own examples and real
// traffic's variants.
#include "lint/JsonFields.h"
#include "lint/LintEngine.h"
#include "lint/PayloadRules.h"
#include "protocol/Catalogue.h"
#include "tests/support/CraftedSession.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rtmtap {
namespace {

using Session = test::CraftedSession;

std::vector<Finding> lintOf(const Session& s) {
    LintEngine engine(payloadRules());
    return s.lint(engine);
}

std::vector<Finding> findingsOf(const Session& s, const std::string& rule) {
    return test::findingsOf(lintOf(s), rule);
}

bool says(const Finding& f, const std::string& text) {
    return f.sentence.find(text) != std::string::npos;
}

// A backend event: {"meta":{"api":"v1"},"event":NAME,"payload":PAYLOAD}.
std::string event(const std::string& name, const std::string& payload) {
    return R"({"meta":{"api":"v1"},"event":")" + name + R"(","payload":)" + payload + "}";
}

const std::string kDocUser =
    R"({"id":91010007,"email":"test2@test.com","display_name":"Test user","last_active_on":"2019-10-17 16:59:36",)"
    R"("online_status":true,"last_active_on_ts":1571331576,"has_avatar":false})";
// Real traffic's user for other members: no email, more fields.
const std::string kRealUser =
    R"({"id":91010007,"display_name":"Test user","last_active_on":"2019-10-17 16:59:36","last_active_on_ts":1571331576,)"
    R"("has_avatar":false,"notifications_config":"immediate","account_status":100,"timezone":null,"locale":"en_US",)"
    R"("user_status":1,"user_status_message":"","online_status":true,"plan":"pro"})";
// airsend-rtm.md's chat.postMessage example.
const std::string kDocMessage =
    R"({"user_id":91010006,"channel_id":11010004,"display_name":"test1@test.com","attachments":[],"message_type":1,)"
    R"("is_edited":false,"parent_message":[],"emoticons":[],"created_on":"2019-10-17 16:44:32","id":10004,)"
    R"("created_on_ts":1571330672,"content":"fs","read_user_count":"0","read_users":[]})";
// protocol-notes.md's message: no read_users, parent_message null, is_deleted and source.
const std::string kRealMessage =
    R"({"id":10004,"user_id":91010006,"channel_id":11010004,"display_name":"test1@test.com","attachments":[],)"
    R"("message_type":1,"is_edited":false,"is_deleted":false,"parent_message":null,"source":"chat","emoticons":[],)"
    R"("created_on":"2019-10-17 16:44:32","created_on_ts":1571330672,"content":"fs","channel_name":"General"})";

// ---- command-fields ----

TEST(PayloadRulesTest, CommandFieldsQuietForEveryCommandAsTheDocumentAndTheWebClientSendThem) {
    Session s;
    s.client(R"({"command":"ws_auth","auth_token":"eyJ.eyJ.sig"})")
        .client(R"({"command":"ws_ping"})")
        .client(R"({"command":"ws_ephemeral_typing","channel_id":"11010000"})")
        .client(R"({"command":"ws_ephemeral_typing","user_email":"a@b.c","channel_id":11010000})")
        .client(R"({"command":"ws_read_notification","channel_id":"1101000","message_id":"10000"})")
        .client(R"({"command":"ws_read_notification","channel_id":1101000,"message_id":10000})")
        .client(R"({"command":"ws_all_read_notification","channel_id":"1101000"})")
        .client(R"({"command":"ws_add_reaction","message_id":"10000","emoji_value":"U 1F600"})")
        .client(R"({"command":"ws_remove_reaction","message_id":10000,"emoji_value":"U 1F600"})")
        .client(R"({"command":"ws_nonsense"})")  // unknown-command's, not this rule's
        .client(R"({"command":"ws_stats"})");
    EXPECT_TRUE(findingsOf(s, "command-fields").empty()) << test::describe(lintOf(s));
}

TEST(PayloadRulesTest, CommandFieldsIsAnErrorForAMissingFieldAndSaysWhatIsLost) {
    Session s;
    s.client(R"({"command":"ws_read_notification","channel_id":"11010000"})")
        .client(R"({"command":"ws_auth"})")
        .client(R"({"command":"ws_add_reaction","message_id":10000})");
    auto found = findingsOf(s, "command-fields");
    ASSERT_EQ(found.size(), 3u) << test::describe(found);
    for (const Finding& f : found) {
        EXPECT_EQ(f.severity, Severity::Error);
        EXPECT_EQ(f.section, "airsend-rtm.md: CLIENT to SERVER commands");
    }
    EXPECT_TRUE(says(found[0], "'ws_read_notification' has no 'message_id' (an id (an integer or a string of digits))"))
        << found[0].sentence;
    EXPECT_TRUE(says(found[0], "the backend drops bad command payloads silently")) << found[0].sentence;
    EXPECT_TRUE(says(found[0], "never counts as read")) << found[0].sentence;
    EXPECT_TRUE(says(found[1], "no 'auth_token'")) << found[1].sentence;
    EXPECT_TRUE(says(found[1], "drops the connection")) << found[1].sentence;
    EXPECT_TRUE(says(found[2], "no 'emoji_value' (a string)")) << found[2].sentence;
    EXPECT_TRUE(says(found[2], "the reaction never appears")) << found[2].sentence;
}

TEST(PayloadRulesTest, CommandFieldsWarnsForAWrongTypeNamingWhatItHad) {
    Session s;
    s.client(R"({"command":"ws_ephemeral_typing","channel_id":true})")
        .client(R"({"command":"ws_read_notification","channel_id":"general","message_id":10.5})")
        .client(R"({"command":"ws_remove_reaction","message_id":"10000","emoji_value":128512})")
        .client(R"({"command":"ws_auth","auth_token":{"token":"x"}})");
    auto found = findingsOf(s, "command-fields");
    ASSERT_EQ(found.size(), 4u) << test::describe(found);
    for (const Finding& f : found) {
        EXPECT_EQ(f.severity, Severity::Warn) << f.sentence;
    }
    EXPECT_TRUE(says(found[0], "'channel_id' as a bool (true), not an id")) << found[0].sentence;
    EXPECT_TRUE(says(found[0], "typing indicator")) << found[0].sentence;
    EXPECT_TRUE(says(found[1], "'channel_id' as a string (\"general\")")) << found[1].sentence;
    EXPECT_TRUE(says(found[1], "'message_id' as a number (10.5)")) << found[1].sentence;
    EXPECT_TRUE(says(found[2], "'emoji_value' as an integer (128512), not a string")) << found[2].sentence;
    EXPECT_TRUE(says(found[3], "'auth_token' as an object")) << found[3].sentence;
    EXPECT_EQ(found[3].sentence.find('\n'), std::string::npos);
}

// ---- event-meta ----

TEST(PayloadRulesTest, EventMetaWarnsOncePerSessionAndEventForAnEventWithoutMetaApi) {
    Session s;
    s.server(R"({"event":"chat.postMessage","payload":{"message":)" + kDocMessage + "}}")
        .server(R"({"event":"chat.postMessage","payload":{"message":)" + kDocMessage + "}}")
        .server(R"({"meta":{"emitted_on":1.5},"event":"user.online","payload":{}})")
        .server(R"({"meta":{"api":1},"event":"channel.remove","payload":{"channel_id":1}})");
    auto found = findingsOf(s, "event-meta");
    ASSERT_EQ(found.size(), 3u) << test::describe(found);
    EXPECT_EQ(found[0].seq, 1);
    EXPECT_EQ(found[0].severity, Severity::Warn);
    EXPECT_TRUE(says(found[0], "'chat.postMessage' has no meta:")) << found[0].sentence;
    EXPECT_TRUE(says(found[1], "'user.online' has no meta.api")) << found[1].sentence;
    EXPECT_TRUE(says(found[2], "meta.api as integer")) << found[2].sentence;
    EXPECT_EQ(found[0].section, "airsend-rtm.md: SERVER to CLIENT Push EVENT Structure");

    Session next(8);  // the engine's next session is reported afresh
    next.server(R"({"event":"chat.postMessage","payload":{}})");
    LintEngine engine(payloadRules());
    s.lint(engine);
    EXPECT_EQ(test::findingsOf(next.lint(engine), "event-meta").size(), 1u);
}

TEST(PayloadRulesTest, EventMetaQuietForPongAndBackendEvents) {
    Session s;
    s.server(R"({"event":"pong"})")
        .server(event("chat.deleteMessage", R"({"message_id":10000,"channel_id":11010000})"))
        .server(R"({"meta":{"api":"v1","emitted_on":1571330672.123456},"event":"fs.delete","payload":{}})")
        .client(R"({"command":"ws_ping"})");
    EXPECT_TRUE(findingsOf(s, "event-meta").empty());
}

// ---- unknown-event ----

TEST(PayloadRulesTest, UnknownEventIsInfoForRealTrafficsEventsNamingTheirSection) {
    Session s;
    s.server(event("channel.updateReadStatus", "{}")).server(event("fs.add", "{}")).server(event("fs.add", "{}"));
    auto found = findingsOf(s, "unknown-event");
    ASSERT_EQ(found.size(), 2u) << test::describe(found);
    for (const Finding& f : found) {
        EXPECT_EQ(f.severity, Severity::Info);
        EXPECT_EQ(f.section, "protocol-notes.md: Event frames in real traffic");
        EXPECT_TRUE(says(f, "(protocol-notes.md: Event frames in real traffic)")) << f.sentence;
    }
    EXPECT_TRUE(says(found[0], "'channel.updateReadStatus'"));
}

TEST(PayloadRulesTest, UnknownEventWarnsForAnEventNobodyKnowsAndAnObjectWithoutEvent) {
    Session s;
    s.server(event("chat.postMesage", "{}"))
        .server(event("ws_auth", "{}"))  // a command's name, not an event's
        .server(R"({"meta":{"api":"v1"},"payload":{}})")
        .server(R"({"event":7})");
    auto found = findingsOf(s, "unknown-event");
    ASSERT_EQ(found.size(), 3u) << test::describe(found);
    for (const Finding& f : found) {
        EXPECT_EQ(f.severity, Severity::Warn);
        EXPECT_EQ(f.section, "airsend-rtm.md: SERVER to CLIENT events");
    }
    EXPECT_TRUE(says(found[0], "'chat.postMesage'"));
    EXPECT_TRUE(says(found[0], "logs and ignores unknown events"));
    EXPECT_TRUE(says(found[2], "without a string \"event\""));
}

TEST(PayloadRulesTest, UnknownEventQuietForTheDocumentsEventsPongAndNonObjects) {
    Session s;
    for (std::string_view name : documentedEvents()) {
        s.server(event(std::string(name), "{}"));
    }
    s.server(R"({"event":"pong"})").server("[1,2]").server("not json").client(R"({"command":"x"})");
    EXPECT_TRUE(findingsOf(s, "unknown-event").empty()) << test::describe(lintOf(s));
}

// ---- event-shape ----

// The document's own examples (its users' trailing commas taken out): no warning; the only
// findings are its quirks, info.
TEST(PayloadRulesTest, EventShapeTakesTheDocumentsExamplesWithOnlyItsQuirksAsInfo) {
    const std::string docChannel =
        R"({"id":11010010,"channel_name":"test","channel_email":"chan+nz7lws@airsendmail.com","channel_status":100,)"
        R"("last_active_on":"2019-11-07 03:42:34","created_on":"2019-11-07 03:42:34","created_by":"91010001",)"
        R"("created_on_ts":1573098154,"last_active_on_ts":1573098154,"latest_message":null,"members":[)" + kDocUser +
        R"(],"channel_roots":[{"type":"files","location":"/cf/10030"}],"total_fs_count":1,"total_file_count":0,)"
        R"("total_folder_count":1,"total_fs_size":0})";
    const std::string updated =
        R"({"id":10000,"user_id":91010000,"channel_id":11010000,"display_name":"Chat Unit Test User",)"
        R"("content_text":"This is a unit test message","attachments":[],"message_type":1,"is_edited":false,)"
        R"("parent_message":[],"emoticons":[{"uid":91010000,"dn":"Chat Unit Test User","ev":"U 1F600"}],)"
        R"("created_on":"2019-10-10 18:36:57","read_user_count":"0","read_users":[]})";
    Session s;
    s.server(event("chat.postMessage", R"({"message":)" + kDocMessage + "}"))
        .server(event("chat.updateMessage", R"({"message":)" + updated + "}"))
        .server(event("channel.update", R"({"channel":)" + docChannel + "}"))
        .server(event("user.online", R"({"user":)" + kDocUser + R"(,"channel_id":11010007})"))
        .server(event("alert.notification",
                      R"({"alert_id":7,"from":[)" + kDocUser +
                          R"(],"message_id":10006,"alert_text":"... 2 : @91010000 has added","channel_id":11010000,"is_read":false})"))
        .server(event("action.create",
                      R"({"action":{"channel_id":11000001,"action_name":"test action2","action_desc":"action desc",)"
                      R"("action_type":1,"action_status":0,"due_on":"2019-11-29 01:31:18","created_on":"2019-11-28 01:46:37",)"
                      R"("created_by":91000002,"updated_on":null,"updated_by":null,"id":3},"channel_id":11000001})"))
        .server(event("chat.unreadCountUpdate",
                      R"({"total_unread_count":0,"channel_id":11000002,"channel_unread_count":0,"oldest_unread_message_id":0})"))
        .server(event("lock.acquire", R"({"lock_id":9,"channel_id":11000002,"user_id":91010000,"path":"/cf/4/a.png"})"));
    auto found = findingsOf(s, "event-shape");
    ASSERT_EQ(found.size(), 3u) << test::describe(found);
    for (const Finding& f : found) {
        EXPECT_EQ(f.severity, Severity::Info) << f.sentence;
        EXPECT_TRUE(says(f, "the document's quirk")) << f.sentence;
    }
    EXPECT_TRUE(says(found[0], "'payload.message.read_user_count' as a string (\"0\") where real traffic sends an integer"))
        << found[0].sentence;
    EXPECT_TRUE(says(found[2], "'payload.channel.created_by' as a string (\"91010001\")")) << found[2].sentence;
}

TEST(PayloadRulesTest, EventShapeQuietForRealTrafficsMessagesUsersAndEvents) {
    Session s;
    s.server(event("chat.postMessage", R"({"message":)" + kRealMessage + "}"))
        .server(event("chat.updateMessage", R"({"message":)" + kRealMessage + "}"))
        .server(event("chat.userTyping", R"({"user":)" + kRealUser + R"(,"channel_id":11010004})"))
        .server(event("channel.updateReadStatus",
                      R"({"user_id":1,"channel_id":2,"read_watermark_id":3,"unread_count":0,"total_unread_count":0})"))
        .server(event("channel.group.reorder", R"([{"id":1,"name":"a","virtual":false},{"id":"all","name":"b","virtual":true}])"))
        .server(event("fs.add", R"({"user_id":1,"channel_id":2,"fs_name":"a.png","fs_path":"/cf/1","extension":"png",)"
                                R"("media":true,"file_size":5,"is_new":true})"))
        .server(R"({"event":"pong"})");
    EXPECT_TRUE(findingsOf(s, "event-shape").empty()) << test::describe(lintOf(s));
}

TEST(PayloadRulesTest, EventShapeWarnsForMissingFieldsAndWrongTypesOncePerSession) {
    std::string noId = kRealMessage;
    noId.replace(noId.find(R"("id":10004,)"), 11, "");
    Session s;
    s.server(event("chat.postMessage", R"({"message":)" + noId + "}"))
        .server(event("chat.postMessage", R"({"message":)" + noId + "}"))  // the same again: said once
        .server(event("chat.deleteMessage", R"({"message_id":"10000"})"))
        .server(event("user.offline", R"({"user":[],"channel_id":11010007})"))
        .server(event("chat.postMessage", "[]"))
        .server(R"({"meta":{"api":"v1"},"event":"channel.remove"})");
    auto found = findingsOf(s, "event-shape");
    ASSERT_EQ(found.size(), 5u) << test::describe(found);
    for (const Finding& f : found) {
        EXPECT_EQ(f.severity, Severity::Warn) << f.sentence;
        EXPECT_EQ(f.section, "airsend-rtm.md: SERVER to CLIENT events");
    }
    EXPECT_EQ(found[0].seq, 1);
    EXPECT_TRUE(says(found[0], "the server's 'chat.postMessage' has no 'payload.message.id' (an integer)"))
        << found[0].sentence;
    EXPECT_EQ(found[1].seq, 3);
    EXPECT_TRUE(says(found[1], "'payload.message_id' as a string (\"10000\"), not an integer, no 'payload.channel_id'"))
        << found[1].sentence;
    EXPECT_TRUE(says(found[2], "'payload.user' as an array, not an object")) << found[2].sentence;
    EXPECT_EQ(found[2].sentence.find("payload.user.id"), std::string::npos) << "a member of a wrong parent is not listed";
    EXPECT_TRUE(says(found[3], "'payload' as an array, not an object")) << found[3].sentence;
    EXPECT_TRUE(says(found[4], "no 'payload' (an object)")) << found[4].sentence;
}

TEST(PayloadRulesTest, EventShapeOfRealOnlyEventsCitesTheRealTrafficSection) {
    Session s;
    s.server(event("channel.group.reorder", R"({"groups":[]})")).server(event("system.ping", R"({"ping_token":5})"));
    auto found = findingsOf(s, "event-shape");
    ASSERT_EQ(found.size(), 2u) << test::describe(found);
    EXPECT_TRUE(says(found[0], "'payload' as an object, not an array")) << found[0].sentence;
    EXPECT_TRUE(says(found[1], "'payload.ping_token' as an integer (5), not a string")) << found[1].sentence;
    for (const Finding& f : found) {
        EXPECT_EQ(f.section, "protocol-notes.md: Event frames in real traffic");
    }
}

TEST(PayloadRulesTest, EventShapeLeavesUnknownEventsAndCommandsToTheirRules) {
    Session s;
    s.server(event("nobody.knows", "[]")).server(event("ws_auth", "[]")).client(R"({"command":"chat.postMessage"})");
    EXPECT_TRUE(findingsOf(s, "event-shape").empty());
}

// LintFrame lists members down to JsonFields::kDefaultDepth: a deeper spec path would always
// look missing.
TEST(PayloadRulesTest, EverySpecPathIsWithinTheDepthLintReads) {
    for (const CatalogueEntry& entry : catalogue()) {
        for (const FieldSpec& spec : fieldSpecs(entry)) {
            const size_t depth = 1 + static_cast<size_t>(std::count(spec.path.begin(), spec.path.end(), '.'));
            EXPECT_LE(depth, JsonFields::kDefaultDepth) << entry.name << " " << spec.path;
        }
    }
}

}  // namespace
}  // namespace rtmtap
