#include "protocol/Classifier.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace rtmtap {
namespace {

using Id = std::optional<int64_t>;

struct Expected {
    const char* title;
    const char* text;
    bool malformed;
    Kind kind;
    const char* name;
    Id channel_id;
    Id message_id;
    Id user_id;
};

void expectClassified(std::string_view text, const Expected& want) {
    const Classification got = classify(text);
    EXPECT_EQ(got.malformed, want.malformed);
    EXPECT_STREQ(toString(got.kind), toString(want.kind));
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.channel_id, want.channel_id);
    EXPECT_EQ(got.message_id, want.message_id);
    EXPECT_EQ(got.user_id, want.user_id);
    EXPECT_FALSE(got.auth_token_span.has_value());
}

bool malformed(std::string_view text) {
    return classify(text).malformed;
}

// Every example frame of airsend-rtm.md, copied verbatim (whitespace included; the two exact
// duplicates, the second action.create and the second ws_auth, are left out). The document's
// pseudo-JSON (single quotes, trailing commas, placeholders) is not JSON: real servers and
// rtmtap reject it.
const Expected kSpecFrames[] = {
    {"event structure (pseudo-JSON)", R"json(      { 
         "meta":{ 
               "api":"v1"
            },
         "event":"subsystem.op",
         "payload":{ 
            "<someobject1>":{
            },
            "<someobject2>":{
            }
            .
            .
         }
      })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"rtm.connect response", R"json(        { 
           "meta":{ 
              "ok":true
           },
           "rtm":{ 
              "ws_endpoint":"ws://127.0.0.1:9001",
              "ws_token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo5MTAxMDAwMCwiY2xpZW50X2lwIjoiMTcyLjIwLjAuMSIsInVzZXJfYWdlbnQiOiJNb3ppbGxhXC81LjAgKE1hY2ludG9zaDsgSW50ZWwgTWFjIE9TIFggMTBfMTRfNSkgQXBwbGVXZWJLaXRcLzUzNy4zNiAoS0hUTUwsIGxpa2UgR2Vja28pIENocm9tZVwvNzcuMC4zODY1LjkwIFNhZmFyaVwvNTM3LjM2IiwiZXhwaXJ5IjoiMjAxOS0xMC0wNSAxNjoyMDoxMyIsImZpbmdlcl9wcmludCI6ImJqY3BvZ2FrdWJ5YSJ9.c3amovxprwo7hDvf0vkPRSN09WnnZzTGls4DoBjUxSI"
           }
        } )json",
     false, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"ws_auth (placeholder token)", R"json(        {
            "command": "ws_auth",
            "auth_token" : <ws_token received from earlier rmt.connect call>
        })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"chat.postMessage", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"chat.postMessage",
       "payload":{ 
          "message":{ 
             "user_id":91010006,
             "channel_id":11010004,
             "display_name":"test1@test.com",
             "attachments":[ 
    
             ],
             "message_type":1,
             "is_edited":false,
             "parent_message":[ 
    
             ],
             "emoticons":[ 
    
             ],
             "created_on":"2019-10-17 16:44:32",
             "id":10004,
             "created_on_ts":1571330672,
             "content":"fs",
             "read_user_count":"0",
             "read_users":[ 
    
             ]
          }
       }
    })json",
     false, Kind::Event, "chat.postMessage", 11010004, 10004, 91010006},
    {"chat.updateMessage", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"chat.updateMessage",
       "payload":{ 
          "message":{ 
             "id":10000,
             "user_id":91010000,
             "channel_id":11010000,
             "display_name":"Chat Unit Test User",
             "content_text":"This is a unit test message",
             "attachments":[ 
    
             ],
             "message_type":1,
             "is_edited":false,
             "parent_message":[ 
    
             ],
             "emoticons":[ 
                { 
                   "uid":91010000,
                   "dn":"Chat Unit Test User",
                   "ev":"U 1F600"
                }
             ],
             "created_on":"2019-10-10 18:36:57",
             "read_user_count":"0",
             "read_users":[ 
    
             ]
          }
       }
    })json",
     false, Kind::Event, "chat.updateMessage", 11010000, 10000, 91010000},
    {"chat.deleteMessage", R"json(     { 
        "meta":{ 
           "api":"v1"
        },
        "event":"chat.deleteMessage",
        "payload":{ 
           "message_id":10000,
           "channel_id":11010000
        }
     })json",
     false, Kind::Event, "chat.deleteMessage", 11010000, 10000, std::nullopt},
    {"channel.create", R"json(     { 
        "meta":{ 
           "api":"v1"
        },
        "event":"channel.create",
        "payload":{ 
           "channel":{ 
              "channel_name":"Channel 22",
              "channel_email":"chan_hderu5@airsendmail.com",
              "last_active_on":"2019-10-17 16:43:31",
              "created_on":"2019-10-17 16:43:31",
              "created_by":91010006,
              "id":11010005,
              "created_on_ts":1571330611,
              "last_active_on_ts":1571330611,
              "latest_message":null,
              "members":[ 
                 { 
                    "id":91010006,
                    "email":"test1@test.com",
                    "display_name":"test1@test.com",
                    "last_active_on":"2019-10-17 16:42:29",
                    "online_status":true,
                    "last_active_on_ts":1571330549,
                    "has_avatar": false
                 }
              ],
              "channel_roots":[ 
                 { 
                    "type":"files",
                    "location":"/cf/10015"
                 },
                 { 
                    "type":"wiki",
                    "location":"/wf/10016"
                 }
              ],
              "total_fs_count":1,
              "total_file_count":0,
              "total_folder_count":1,
              "total_fs_size":0
           }
        }
     })json",
     false, Kind::Event, "channel.create", 11010005, std::nullopt, std::nullopt},
    {"user_added.channel (trailing comma)", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"user_added.channel",
       "payload":{ 
          "channel_id":11010007,
          "user":{ 
             "id":91010006,
             "email":"test1@test.com",
             "display_name":"test1@test.com",
             "last_active_on":"2019-10-17 16:44:32",
             "online_status":true,
             "last_active_on_ts":1571330672,
             "has_avatar": false,
          }
       }
    })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"user_removed.channel", R"json(     { 
        "meta":{ 
           "api":"v1"
        },
        "event":"user_removed.channel",
        "payload":{ 
           "removed_user_id":91010003,
           "removed_by_user_id":91010001,
           "channel_id":11010001
        }
     })json",
     false, Kind::Event, "user_removed.channel", 11010001, std::nullopt, 91010003},
    {"channel.update", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"channel.update",
       "payload":{ 
          "channel":{ 
             "id":11010010,
             "channel_name":"test",
             "channel_email":"chan+nz7lws@airsendmail.com",
             "channel_status":100,
             "last_active_on":"2019-11-07 03:42:34",
             "created_on":"2019-11-07 03:42:34",
             "created_by":"91010001",
             "created_on_ts":1573098154,
             "last_active_on_ts":1573098154,
             "latest_message":null,
             "members":[ 
                { 
                   "id":91010001,
                   "email":"anis@codelathe.com",
                   "display_name":"Anis Abdul",
                   "has_avatar":false,
                   "last_active_on":"2019-11-07 03:48:00",
                   "online_status":true,
                   "last_active_on_ts":1573098480
                }
             ],
             "channel_roots":[ 
                { 
                   "type":"files",
                   "location":"/cf/10030"
                },
                { 
                   "type":"wiki",
                   "location":"/wf/10031"
                }
             ],
             "total_fs_count":1,
             "total_file_count":0,
             "total_folder_count":1,
             "total_fs_size":0
          }
       }
    } )json",
     false, Kind::Event, "channel.update", 11010010, std::nullopt, std::nullopt},
    {"channel.remove", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"channel.remove",
       "payload":{ 
          "channel_id":11010001
       }
    })json",
     false, Kind::Event, "channel.remove", 11010001, std::nullopt, std::nullopt},
    {"chat.userTyping (trailing comma)", R"json(      { 
         "meta":{ 
            "api":"v1"
         },
         "event":"chat.userTyping",
         "payload":{ 
            "user":{ 
               "id":91010006,
               "email":"test1@test.com",
               "display_name":"test1@test.com",
               "last_active_on":"2019-10-17 16:40:30",
               "online_status":true,
               "last_active_on_ts":1571330430,
               "has_avatar": false,
            },
            "channel_id":11010004
         }
      })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"user.online (trailing comma)", R"json(     { 
        "meta":{ 
           "api":"v1"
        },
        "event":"user.online",
        "payload":{ 
           "user":{ 
              "id":91010007,
              "email":"test2@test.com",
              "display_name":"Test user",
              "last_active_on":"2019-10-17 16:59:36",
              "online_status":true,
              "last_active_on_ts":1571331576,
              "has_avatar": false,
           },
           "channel_id":11010007
        }
     })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"user.offline (trailing comma)", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"user.offline",
       "payload":{ 
          "user":{ 
             "id":91010007,
             "email":"test2@test.com",
             "display_name":"Test user",
             "last_active_on":"2019-10-17 17:03:07",
             "online_status":false,
             "last_active_on_ts":1571331787,
             "has_avatar": false,
          },
          "channel_id":11010007
       }
    })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"user.profileUpdate", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"user.profileUpdate",
       "payload":{ 
          "user":{ 
             "id":91010001,
             "email":"test1@test.com",
             "display_name":"test test test",
             "has_avatar":true,
             "last_active_on":"2019-10-18 16:47:19",
             "online_status":true,
             "last_active_on_ts":1571417239
          },
          "channel_id":11010000
       }
    })json",
     false, Kind::Event, "user.profileUpdate", 11010000, std::nullopt, 91010001},
    {"alert.notification", R"json(     { 
        "meta":{ 
           "api":"v1"
        },
        "event":"alert.notification",
        "payload":{ 
           "alert_id":7,
           "from":[ 
              { 
                 "id":91010001,
                 "email":"test2@test.com",
                 "display_name":"Test 2",
                 "has_avatar":false,
                 "last_active_on":"2019-10-25 15:23:29",
                 "online_status":true,
                 "last_active_on_ts":1572017009
              }
           ],
           "message_id":10006,
           "alert_text":"... 2 : @91010000 has added @910 ...",
           "channel_id":11010000,
           "is_read":false
        }
     } )json",
     false, Kind::Event, "alert.notification", 11010000, 10006, std::nullopt},
    {"action.create", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"action.create",
       "payload":{ 
          "action":{ 
             "channel_id":11000001,
             "action_name":"test action2",
             "action_desc":"action desc",
             "action_type":1,
             "action_status":0,
             "due_on":"2019-11-29 01:31:18",
             "created_on":"2019-11-28 01:46:37",
             "created_by":91000002,
             "updated_on":null,
             "updated_by":null,
             "id":3
          },
          "channel_id":11000001
       }
    })json",
     false, Kind::Event, "action.create", 11000001, std::nullopt, std::nullopt},
    {"chat.unreadCountUpdate", R"json(    {
       "meta":{
          "api":"v1"
       },
       "event":"chat.unreadCountUpdate",
       "payload":{
          "total_unread_count":0,
          "channel_id":11000002,
          "channel_unread_count":0,
          "oldest_unread_message_id":0
       }
    }   )json",
     false, Kind::Event, "chat.unreadCountUpdate", 11000002, std::nullopt, std::nullopt},
    {"lock.acquire", R"json(    {
       "meta":{
          "api":"v1"
       },
       "event":"lock.acquire",
       "payload":{
          "lock_id":9,
          "channel_id":11000002,
          "user_id":91010000,
          "path":"/cf/4/attachments/Screen Shot 2020-04-10 at 1.25.09 PM.png"
       }
    })json",
     false, Kind::Event, "lock.acquire", 11000002, std::nullopt, 91010000},
    {"lock.release", R"json(    {
       "meta":{
          "api":"v1"
       },
       "event":"lock.release",
       "payload":{
          "lock_id":9,
          "channel_id":11000002,
          "user_id":91010000,
          "path":"/cf/4/attachments/Screen Shot 2020-04-10 at 1.25.09 PM.png"
       }
    })json",
     false, Kind::Event, "lock.release", 11000002, std::nullopt, 91010000},
    {"ws_ephemeral_typing", R"json(    { 
       "command":"ws_ephemeral_typing",
       "channel_id":"11010000"
    })json",
     false, Kind::Command, "ws_ephemeral_typing", 11010000, std::nullopt, std::nullopt},
    {"ws_read_notification (single quotes)", R"json(    {
        'command':'ws_read_notification',
        'channel_id':'1101000',
        'message_id':'10000'
    })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"ws_all_read_notification (single quotes)", R"json(    {
        'command':'ws_all_read_notification',
        'channel_id':'1101000',
    })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"ws_add_reaction (single quotes)", R"json(    {
        'command':'ws_add_reaction',
        'message_id': '10000',
        'emoji_value' : Unicode id of the emoji
    })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"ws_remove_reaction (single quotes)", R"json(    {
        'command':'ws_remove_reaction',
        'message_id': '10000',
        'emoji_value' : Unicode id of the emoji
    })json",
     true, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    {"bot message", R"json(    { 
       "meta":{ 
          "api":"v1"
       },
       "event":"chat.postMessage",
       "payload":{ 
          "message":{ 
             "user_id":91000001,
             "channel_id":11010000,
             "display_name":"AirBot",
             "attachments":[ 
    
             ],
             "message_type":5,
             "is_edited":false,
             "parent_message":[ 
    
             ],
             "emoticons":[ 
    
             ],
             "created_on":"2019-10-18 16:56:55",
             "id":10001,
             "created_on_ts":1571417815,
             "content":{ 
                "type":2,
                "bot_message":"@91010001 has added @91010002 to this channel"
             },
             "read_user_count":"0",
             "read_users":[ 
    
             ]
          }
       }
    })json",
     false, Kind::Event, "chat.postMessage", 11010000, 10001, 91000001},
};

TEST(ClassifierTest, EveryExampleFrameOfTheProtocolDocument) {
    for (const Expected& frame : kSpecFrames) {
        SCOPED_TRACE(frame.title);
        expectClassified(frame.text, frame);
    }
}

TEST(ClassifierTest, KindNames) {
    EXPECT_STREQ(toString(Kind::Other), "other");
    EXPECT_STREQ(toString(Kind::Command), "command");
    EXPECT_STREQ(toString(Kind::Event), "event");
    EXPECT_STREQ(toString(Kind::Control), "control");
    EXPECT_STREQ(toString(static_cast<Kind>(200)), "other");
}

// Shapes seen in real traffic (protocol-notes.md) that the document does not show.
TEST(ClassifierTest, RealTrafficShapes) {
    const Expected frames[] = {
        {"emitted_on float", R"({"meta":{"api":"v1","emitted_on":1571330672.123456},"event":"chat.postMessage","payload":{"message":{"id":10004,"user_id":91010006,"channel_id":11010004,"content":"fs","parent_message":null,"source":"chat"}}})",
         false, Kind::Event, "chat.postMessage", 11010004, 10004, 91010006},
        {"group reorder, array payload", R"({"meta":{"api":"v1","emitted_on":1571330672.5},"event":"channel.group.reorder","payload":[{"id":3,"channel_id":7},{"id":4}]})",
         false, Kind::Event, "channel.group.reorder", std::nullopt, std::nullopt, std::nullopt},
        {"application pong", R"({"event":"pong"})", false, Kind::Event, "pong", std::nullopt, std::nullopt, std::nullopt},
        {"ws_ping", R"({"command":"ws_ping"})", false, Kind::Command, "ws_ping", std::nullopt, std::nullopt, std::nullopt},
        {"read notification, string ids", R"({"command":"ws_read_notification","channel_id":"1101000","message_id":"10000"})",
         false, Kind::Command, "ws_read_notification", 1101000, 10000, std::nullopt},
        {"typing with user_email", R"({"command":"ws_ephemeral_typing","user_email":"a@b.c","channel_id":"11010000"})",
         false, Kind::Command, "ws_ephemeral_typing", 11010000, std::nullopt, std::nullopt},
        {"updateReadStatus", R"({"meta":{"api":"v1","emitted_on":1.5e9},"event":"channel.updateReadStatus","payload":{"user_id":91010000,"channel_id":11000002,"read_watermark_id":10006,"unread_count":0,"total_unread_count":3}})",
         false, Kind::Event, "channel.updateReadStatus", 11000002, std::nullopt, 91010000},
        {"action.update", R"({"meta":{"api":"v1"},"event":"action.update","payload":{"action":{"id":3,"channel_id":11000009},"channel_id":11000001,"old_channel_id":11000002}})",
         false, Kind::Event, "action.update", 11000001, std::nullopt, std::nullopt},
        {"action.delete", R"({"event":"action.delete","payload":{"action_id":3,"channel_id":11000001,"parent_id":null}})",
         false, Kind::Event, "action.delete", 11000001, std::nullopt, std::nullopt},
        {"action id only inside action", R"({"event":"action.x","payload":{"action":{"channel_id":"11000009"}}})",
         false, Kind::Event, "action.x", 11000009, std::nullopt, std::nullopt},
        {"fs.add", R"({"event":"fs.add","payload":{"user_id":91010000,"channel_id":11000002,"fs_name":"a.png","fs_path":"/cf/4/a.png","media":true}})",
         false, Kind::Event, "fs.add", 11000002, std::nullopt, 91010000},
        {"system.ping", R"({"event":"system.ping","payload":{"ping_token":"abc"}})",
         false, Kind::Event, "system.ping", std::nullopt, std::nullopt, std::nullopt},
        {"parent_message object", R"({"event":"chat.postMessage","payload":{"message":{"id":2,"channel_id":5,"user_id":9,"parent_message":{"id":1,"channel_id":6,"user_id":8}}}})",
         false, Kind::Event, "chat.postMessage", 5, 2, 9},
        {"user without email", R"({"event":"chat.userTyping","payload":{"user":{"id":91010006,"display_name":"x"},"channel_id":11010004}})",
         false, Kind::Event, "chat.userTyping", 11010004, std::nullopt, 91010006},
        {"JSON null", "null", false, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
        {"meta only", R"({"meta":{}})", false, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
        {"top-level array", R"([{"event":"x"}])", false, Kind::Other, "", std::nullopt, std::nullopt, std::nullopt},
    };
    for (const Expected& frame : frames) {
        SCOPED_TRACE(frame.title);
        expectClassified(frame.text, frame);
    }
}

TEST(ClassifierTest, IdsFollowTheOrderOfPreference) {
    const Classification all = classify(
        R"({"event":"e","payload":{"removed_user_id":5,"action":{"channel_id":40},"channel":{"id":30},)"
        R"("message":{"channel_id":20,"id":200,"user_id":2000},"user":{"id":4},"user_id":3,"message_id":100,)"
        R"("channel_id":10},"user_id":1,"message_id":99,"channel_id":9})");
    EXPECT_EQ(all.channel_id, 9);
    EXPECT_EQ(all.message_id, 99);
    EXPECT_EQ(all.user_id, 1);

    EXPECT_EQ(classify(R"({"payload":{"channel":{"id":30},"action":{"channel_id":40}}})").channel_id, 30);
    EXPECT_EQ(classify(R"({"payload":{"action":{"channel_id":40},"message":{"channel_id":20}}})").channel_id, 20);
    EXPECT_EQ(classify(R"({"payload":{"message":{"user_id":2000},"user":{"id":4}}})").user_id, 4);
    EXPECT_EQ(classify(R"({"payload":{"removed_user_id":5,"message":{"user_id":2000}}})").user_id, 2000);
    EXPECT_EQ(classify(R"({"payload":{"removed_user_id":5}})").user_id, 5);
    EXPECT_EQ(classify(R"({"payload":{"message":{"id":200},"message_id":100}})").message_id, 100);
}

TEST(ClassifierTest, IdsOutsideTheTrackedPathsAreIgnored) {
    const Classification got = classify(
        R"({"meta":{"channel_id":1,"user_id":2},"data":{"message_id":3},"payload":{"members":[{"id":4}],)"
        R"("channel_ids":[5],"x":{"channel_id":6},"message":{"content":{"channel_id":7,"id":8}},)"
        R"("channel":{"channel_id":9},"user":{"user_id":10}}})");
    EXPECT_FALSE(got.malformed);
    EXPECT_EQ(got.channel_id, std::nullopt);
    EXPECT_EQ(got.message_id, std::nullopt);
    EXPECT_EQ(got.user_id, std::nullopt);
}

TEST(ClassifierTest, IdValues) {
    auto channel = [](const std::string& value) { return classify(R"({"channel_id":)" + value + "}").channel_id; };
    EXPECT_EQ(channel("0"), 0);
    EXPECT_EQ(channel("-0"), 0);
    EXPECT_EQ(channel("-17"), -17);
    EXPECT_EQ(channel("9223372036854775807"), INT64_MAX);
    EXPECT_EQ(channel("-9223372036854775808"), INT64_MIN);
    EXPECT_EQ(channel("9223372036854775808"), std::nullopt);
    EXPECT_EQ(channel("-9223372036854775809"), std::nullopt);
    EXPECT_EQ(channel("123456789012345678901234567890"), std::nullopt);
    EXPECT_EQ(channel("1.0"), std::nullopt);
    EXPECT_EQ(channel("1e3"), std::nullopt);
    EXPECT_EQ(channel("1E+3"), std::nullopt);
    EXPECT_EQ(channel("true"), std::nullopt);
    EXPECT_EQ(channel("null"), std::nullopt);
    EXPECT_EQ(channel("[1]"), std::nullopt);
    EXPECT_EQ(channel(R"({"id":1})"), std::nullopt);
    EXPECT_EQ(channel(R"("11010000")"), 11010000);
    EXPECT_EQ(channel(R"("-5")"), -5);
    EXPECT_EQ(channel(R"("007")"), 7);
    EXPECT_EQ(channel(R"("9223372036854775807")"), INT64_MAX);
    EXPECT_EQ(channel(R"("9223372036854775808")"), std::nullopt);
    EXPECT_EQ(channel(R"("")"), std::nullopt);
    EXPECT_EQ(channel(R"("-")"), std::nullopt);
    EXPECT_EQ(channel(R"("+5")"), std::nullopt);
    EXPECT_EQ(channel(R"(" 5")"), std::nullopt);
    EXPECT_EQ(channel(R"("5 ")"), std::nullopt);
    EXPECT_EQ(channel(R"("12a")"), std::nullopt);
    EXPECT_EQ(channel(R"("1.5")"), std::nullopt);
    EXPECT_EQ(channel(R"("0x10")"), std::nullopt);
    EXPECT_EQ(channel(R"("\u0031\u0032")"), 12);  // escaped digits are digits
    EXPECT_EQ(channel(R"("\u00312345678901234567890123")"), std::nullopt);
}

TEST(ClassifierTest, InvalidIdFallsBackToTheNextSource) {
    EXPECT_EQ(classify(R"({"channel_id":1.5,"payload":{"channel_id":7}})").channel_id, 7);
    EXPECT_EQ(classify(R"({"channel_id":"x","payload":{"channel":{"id":"8"}}})").channel_id, 8);
}

TEST(ClassifierTest, DuplicateIdKeysFirstOccurrenceWins) {
    EXPECT_EQ(classify(R"({"channel_id":1,"channel_id":2})").channel_id, 1);
    // The first occurrence holds no id: the duplicate is still ignored, the next source is used.
    EXPECT_EQ(classify(R"({"channel_id":"x","channel_id":2})").channel_id, std::nullopt);
    EXPECT_EQ(classify(R"({"channel_id":"x","channel_id":2,"payload":{"channel_id":3}})").channel_id, 3);
    EXPECT_EQ(classify(R"({"payload":{"channel_id":1},"payload":{"channel_id":2,"user_id":3}})").user_id,
              std::nullopt);
    EXPECT_EQ(classify(R"({"payload":{"message":{"id":1},"message":{"id":2}}})").message_id, 1);
}

// Like JSON.parse on the real server: the index shows the command the server would run.
TEST(ClassifierTest, DuplicateNameKeysLastOccurrenceWins) {
    EXPECT_EQ(classify(R"({"event":"a","event":"b"})").name, "b");
    const Classification laterString = classify(R"({"command":5,"command":"ws_ping"})");
    EXPECT_EQ(laterString.kind, Kind::Command);
    EXPECT_EQ(laterString.name, "ws_ping");
    const Classification laterNumber = classify(R"({"command":"ws_ping","command":5})");
    EXPECT_EQ(laterNumber.kind, Kind::Other);
    EXPECT_EQ(laterNumber.name, "");
    const Classification laterEvent = classify(R"({"command":"ws_ping","event":"e","command":null})");
    EXPECT_EQ(laterEvent.kind, Kind::Event);
    EXPECT_EQ(laterEvent.name, "e");
}

TEST(ClassifierTest, CommandWinsOverEvent) {
    for (const char* text : {R"({"event":"e","command":"c"})", R"({"command":"c","event":"e"})"}) {
        const Classification got = classify(text);
        EXPECT_EQ(got.kind, Kind::Command) << text;
        EXPECT_EQ(got.name, "c") << text;
    }
    const Classification eventOnly = classify(R"({"command":null,"event":"e"})");
    EXPECT_EQ(eventOnly.kind, Kind::Event);
    EXPECT_EQ(eventOnly.name, "e");
}

TEST(ClassifierTest, NameAndKindNeedATopLevelString) {
    EXPECT_EQ(classify(R"({"event":1})").kind, Kind::Other);
    EXPECT_EQ(classify(R"({"event":{"name":"x"}})").kind, Kind::Other);
    EXPECT_EQ(classify(R"({"payload":{"event":"x","command":"y"}})").kind, Kind::Other);
    EXPECT_EQ(classify(R"(["event","x"])").kind, Kind::Other);
    EXPECT_EQ(classify(R"("event")").kind, Kind::Other);
    EXPECT_EQ(classify(R"({"Event":"x"})").kind, Kind::Other);
    const Classification empty = classify(R"({"event":""})");
    EXPECT_EQ(empty.kind, Kind::Event);
    EXPECT_EQ(empty.name, "");
}

TEST(ClassifierTest, EscapesInKeysAndNamesAreDecoded) {
    const Classification got = classify(R"({"\u0065vent":"chat\u002epost\/Message\n\"\\","pay\u006coad":{"channel\u005fid":5}})");
    EXPECT_EQ(got.kind, Kind::Event);
    EXPECT_EQ(got.name, "chat.post/Message\n\"\\");
    EXPECT_EQ(got.channel_id, 5);
    EXPECT_EQ(classify(R"({"event":"caf\u00e9 \u20ac \ud83d\ude00"})").name, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
    EXPECT_EQ(classify("{\"event\":\"caf\xC3\xA9\"}").name, "caf\xC3\xA9");
    // A lone surrogate is valid JSON; the name stays valid UTF-8 with U+FFFD in its place.
    const Classification lone = classify(R"({"event":"a\ud800b\udc00\ud83d"})");
    EXPECT_FALSE(lone.malformed);
    EXPECT_EQ(lone.name, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(classify(R"({"event":"\u0000"})").name, std::string(1, '\0'));
    // A long escaped key cannot be a tracked key and must not overflow anything.
    EXPECT_EQ(classify(R"({"\u0063hannel_id_and_a_lot_more_text_than_any_key":5})").channel_id, std::nullopt);
}

std::string wsAuth(const std::string& token) {
    return R"({"command":"ws_auth","auth_token":")" + token + R"("})";
}

const std::string kSpecToken =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo5MTAxMDAwMCwiY2xpZW50X2lwIjoiMTcyLjIwLjAuMSIsInVzZXJfYWdlbnQ"
    "iOiJNb3ppbGxhXC81LjAgKE1hY2ludG9zaDsgSW50ZWwgTWFjIE9TIFggMTBfMTRfNSkgQXBwbGVXZWJLaXRcLzUzNy4zNiAoS0hUTUwsIGxpa2U"
    "gR2Vja28pIENocm9tZVwvNzcuMC4zODY1LjkwIFNhZmFyaVwvNTM3LjM2IiwiZXhwaXJ5IjoiMjAxOS0xMC0wNSAxNjoyMDoxMyIsImZpbmdlcl9"
    "wcmludCI6ImJqY3BvZ2FrdWJ5YSJ9.c3amovxprwo7hDvf0vkPRSN09WnnZzTGls4DoBjUxSI";

std::string spanText(const std::string& payload, const Classification& got) {
    if (!got.auth_token_span) {
        return "<no span>";
    }
    return payload.substr(got.auth_token_span->first, got.auth_token_span->second);
}

TEST(ClassifierTest, WsAuthTokenSpan) {
    const std::string compact = wsAuth(kSpecToken);
    const Classification got = classify(compact);
    EXPECT_EQ(got.kind, Kind::Command);
    EXPECT_EQ(got.name, "ws_auth");
    EXPECT_EQ(spanText(compact, got), kSpecToken);

    const std::string spaced = "\r\n {\n  \"auth_token\" :\t\"" + kSpecToken + "\" ,\n  \"command\": \"ws_auth\"\n}\n";
    EXPECT_EQ(spanText(spaced, classify(spaced)), kSpecToken);

    const std::string escaped = R"({"command":"ws_auth","auth_token":"a\/b.c\"d.e"})";
    EXPECT_EQ(spanText(escaped, classify(escaped)), R"(a\/b.c\"d.e)");

    const std::string empty = wsAuth("");
    const Classification emptyToken = classify(empty);
    ASSERT_TRUE(emptyToken.auth_token_span.has_value());
    EXPECT_EQ(emptyToken.auth_token_span->second, 0u);
    EXPECT_EQ(emptyToken.auth_token_span->first, empty.size() - 2);

    // The server authenticates with the last duplicate: that is the one to redact.
    const std::string twice = R"({"command":"ws_auth","auth_token":"first","auth_token":"second"})";
    EXPECT_EQ(spanText(twice, classify(twice)), "second");
    const std::string notString = R"({"command":"ws_auth","auth_token":"first","auth_token":1})";
    EXPECT_FALSE(classify(notString).auth_token_span);
}

TEST(ClassifierTest, NoTokenSpanOutsideWsAuth) {
    EXPECT_FALSE(classify(R"({"command":"ws_ping","auth_token":"x.y.z"})").auth_token_span);
    EXPECT_FALSE(classify(R"({"event":"ws_auth","auth_token":"x.y.z"})").auth_token_span);
    EXPECT_FALSE(classify(R"({"command":"ws_auth","auth_token":null})").auth_token_span);
    EXPECT_FALSE(classify(R"({"command":"ws_auth","auth_token":12})").auth_token_span);
    EXPECT_FALSE(classify(R"({"command":"ws_auth","payload":{"auth_token":"x"}})").auth_token_span);
    EXPECT_FALSE(classify(R"({"command":"ws_auth"})").auth_token_span);
    EXPECT_FALSE(classify(R"({"command":"ws_auth","auth_token":"x")").auth_token_span);  // truncated
    EXPECT_TRUE(classify(R"({"command":"ws_auth","auth_token":"x")").malformed);
}

TEST(ClassifierTest, ValidJsonOfAnyShape) {
    for (const char* text : {"0", "-0", "1", "-1.5e-3", "0.0", "1E400", "123456789012345678901234567890", "true",
                             "false", "null", "\"\"", "\"x\"", "[]", "{}", " [ ] ", "\t{ }\r\n", "[1,[2,[3]],{}]",
                             R"({"a":{"b":[{"c":null}]}})", R"({"":1})", "[\"\x7f\"]", R"(["\u0000\uFFFF\uD800"])",
                             R"(["\"\\\/\b\f\n\r\t"])", "\"\xF4\x8F\xBF\xBF\"", "{\"\xE2\x82\xAC\":0}"}) {
        const Classification got = classify(text);
        EXPECT_FALSE(got.malformed) << text;
        EXPECT_EQ(got.kind, Kind::Other) << text;
    }
}

TEST(ClassifierTest, MalformedInputs) {
    const std::string cases[] = {
        "", " ", "\r\n\t ", "{", "}", "[", "]", "{]", "[}", "[1}", "{\"a\":1]", "{\"a\"}", "{\"a\" 1}",
        "{\"a\":}", "{\"a\":1,}", "[1,]", "[,1]", "[1 2]", "{,}", "{\"a\":1 \"b\":2}", "{1:2}", "{a:1}",
        "{'a':1}", "['a']", "{\"a\":1}}", "{\"a\":1}{}", "[] []", "{} x", "1 2", "\"a\" \"b\"",
        "01", "-", "-a", "+1", ".5", "1.", "1.e3", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity",
        "tru", "nul", "fals", "True", "NULL", "truex", "[true false]", "\"abc", "\"abc\\\"",
        "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\u\"", "\"\\", "\"\\U0041\"", "\"\\'\"", "\"a\nb\"",
        "\"a\tb\"", std::string("\"\x01\""), std::string("\"a\0b\"", 5), std::string("\0", 1),
        std::string("{}\0", 3), std::string("\0{}", 3), "\xEF\xBB\xBF{}", "\"\xC3\"", "\"\xC0\x80\"",
        "\"\xED\xA0\x80\"", "\"\xFF\"", "\"\x80\"", "\"\xF4\x90\x80\x80\"", "{\"a\":1}\xC3\xA9", "\xC3\xA9",
        "/* c */ {}", "{} // c", "[\f]", "[\v1]", "\xA0[]",
    };
    for (const std::string& text : cases) {
        const Classification got = classify(text);
        EXPECT_TRUE(got.malformed) << '[' << text << ']';
        EXPECT_EQ(got.kind, Kind::Other) << text;
        EXPECT_EQ(got.name, "") << text;
        EXPECT_FALSE(got.channel_id) << text;
    }
}

TEST(ClassifierTest, MalformedFramesIndexNothing) {
    const Classification got = classify(R"({"event":"chat.postMessage","channel_id":5,"payload":{)");
    EXPECT_TRUE(got.malformed);
    EXPECT_EQ(got.kind, Kind::Other);
    EXPECT_EQ(got.name, "");
    EXPECT_EQ(got.channel_id, std::nullopt);
    EXPECT_FALSE(classify(R"({"command":"ws_auth","auth_token":"t",})").auth_token_span);
}

TEST(ClassifierTest, EveryTruncationIsMalformed) {
    const std::string frame =
        R"({"meta":{"api":"v1","emitted_on":1571330672.123456},"event":"chat.postMessage","payload":{"message":)"
        R"({"id":10004,"user_id":-91010006,"channel_id":"11010004","content":"caf\u00e9 \"x\" )"
        "\xE2\x82\xAC"
        R"(","ok":true,"no":false,"n":null,"e":1e-5,"a":[1,[],{}]}}})";
    ASSERT_FALSE(malformed(frame));
    for (size_t length = 0; length < frame.size(); ++length) {
        EXPECT_TRUE(malformed(std::string_view(frame).substr(0, length))) << length;
    }
}

TEST(ClassifierTest, DoesNotReadPastTheView) {
    // The view ends inside a buffer that goes on: bytes beyond it must not be looked at.
    const std::string buffer = R"({"event":"e"}tail)";
    EXPECT_FALSE(malformed(std::string_view(buffer).substr(0, 13)));
    EXPECT_TRUE(malformed(std::string_view(buffer).substr(0, 12)));
    const std::string literal = "[true]";
    EXPECT_TRUE(malformed(std::string_view(literal).substr(0, 4)));
    EXPECT_TRUE(malformed(std::string_view("\"\\u00411\"").substr(0, 5)));
}

std::string repeat(const std::string& piece, size_t count) {
    std::string out;
    out.reserve(piece.size() * count);
    for (size_t i = 0; i < count; ++i) {
        out += piece;
    }
    return out;
}

TEST(ClassifierTest, DeepNestingIsValidAndNeverOverflowsTheStack) {
    constexpr size_t kDepth = 100000;
    EXPECT_FALSE(malformed(repeat("[", kDepth) + repeat("]", kDepth)));
    EXPECT_FALSE(malformed(repeat(R"({"a":)", kDepth) + "1" + repeat("}", kDepth)));
    EXPECT_FALSE(malformed(repeat(R"({"a":[)", kDepth) + repeat("]}", kDepth)));

    EXPECT_TRUE(malformed(repeat("[", kDepth)));
    EXPECT_TRUE(malformed(repeat("[", kDepth) + repeat("]", kDepth - 1)));
    EXPECT_TRUE(malformed(repeat("[", kDepth) + repeat("]", kDepth + 1)));
    EXPECT_TRUE(malformed(repeat(R"({"a":)", kDepth) + repeat("}", kDepth)));
    EXPECT_TRUE(malformed(repeat("[", kDepth) + "}" + repeat("]", kDepth - 1)));
    // Mismatch deep down, past the levels kept inline.
    std::string mixed = repeat("[{\"k\":", kDepth / 2) + "0" + repeat("}]", kDepth / 2);
    EXPECT_FALSE(malformed(mixed));
    mixed[mixed.size() - kDepth / 2] = ']';
    EXPECT_TRUE(malformed(mixed));

    const Classification nested = classify(R"({"event":"x","payload":)" + repeat("[", kDepth) + repeat("]", kDepth) +
                                           R"(,"channel_id":4})");
    EXPECT_FALSE(nested.malformed);
    EXPECT_EQ(nested.kind, Kind::Event);
    EXPECT_EQ(nested.channel_id, 4);
}

// Every byte as a \u escape: the junk as the content of a JSON string, valid whatever it holds.
std::string escapedJson(const std::string& bytes) {
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out += "\\u00";
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    }
    return out;
}

bool blank(const std::string& bytes) {
    return bytes.find_first_not_of(" \t\r\n") == std::string::npos;
}

void expectNothingIndexed(const Classification& c) {
    EXPECT_STREQ(toString(c.kind), "other");
    EXPECT_EQ(c.name, "");
    EXPECT_FALSE(c.channel_id || c.message_id || c.user_id || c.auth_token_span);
}

// Random bytes, alone, behind a whole frame and inside one of its strings: never a crash, a
// malformed payload indexes nothing, trailing junk spoils a frame, escaped junk does not.
TEST(ClassifierTest, BinaryJunkIsMalformedAndIndexesNothing) {
    std::mt19937 random(12345);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<size_t> length(0, 64);
    const std::string frame = R"({"event":"e","channel_id":7})";
    size_t valid = 0, malformedCount = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string junk(length(random), '\0');
        for (char& c : junk) {
            c = static_cast<char>(byte(random));
        }
        SCOPED_TRACE("junk #" + std::to_string(i) + ": " + escapedJson(junk));
        const Classification alone = classify(junk);
        if (alone.malformed) {
            ++malformedCount;
            expectNothingIndexed(alone);
        } else {
            ++valid;  // a number, say: then it stays valid with blanks around it
            EXPECT_FALSE(classify(" " + junk + "\n").malformed);
        }
        if (!blank(junk)) {
            const Classification spoilt = classify(frame + junk);
            EXPECT_TRUE(spoilt.malformed);
            expectNothingIndexed(spoilt);  // not even the event name and id read before the junk
        }
        const Classification inside = classify(R"({"event":"e","payload":")" + escapedJson(junk) +
                                               R"(","channel_id":7})");
        EXPECT_FALSE(inside.malformed);
        EXPECT_STREQ(toString(inside.kind), "event");
        EXPECT_EQ(inside.name, "e");
        EXPECT_EQ(inside.channel_id, 7);
        if (HasFailure()) {
            break;  // one junk's report says it; twenty thousand would bury it
        }
    }
    // The junk took both paths (fixed seed: these counts do not change between runs).
    EXPECT_GT(valid, 0u);
    EXPECT_GT(malformedCount, 19000u);
}

TEST(ClassifierTest, MutatedFramesNeverCrash) {
    const std::string frame = R"({"command":"ws_auth","auth_token":"a.b.c","payload":{"message":{"id":"1","user_id":2,)"
                              R"("channel_id":3e1,"x":["\u00e9",true,null,-0.5]}}})";
    const char replacements[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', 'e', '.', 'u', ' ', '\0', '\x80'};
    size_t valid = 0;
    for (size_t i = 0; i < frame.size(); ++i) {
        for (char c : replacements) {
            std::string mutated = frame;
            mutated[i] = c;
            const Classification got = classify(mutated);
            valid += got.malformed ? 0 : 1;
            if (got.auth_token_span) {
                ASSERT_LE(got.auth_token_span->first + got.auth_token_span->second, mutated.size());
            }
        }
    }
    EXPECT_GT(valid, 0u);  // some mutations stay valid JSON; the loop must have exercised both paths
}

}  // namespace
}  // namespace rtmtap
