#pragma once
// What fields a command or an event carries, written as data: one short spec string per
// catalogue entry, parsed into a flat list of paths from the frame's root, as lint reads frames
// (lint/JsonFields). A spec is items separated by spaces, each `path[?]:types`:
//   "channel_id:id message_id:id"                         two required ids
//   "payload:object payload.message:message"              a record (below) at payload.message
//   "payload.message.parent_message:array|object|null"    any of three types
//   "payload.message.read_user_count?:integer~string"     optional; integer, or a string where the
//                                                         document's own examples use one (a quirk)
// Types: id (an integer or a string of digits, as the document's commands send "11010000"),
// integer, number, string, bool, object, array, null, any, or the name of a record: an object
// whose members the record's own spec lists, under the field's path. A later item for a path
// replaces an earlier one, so an event can take a record and tighten one of its fields.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

// Bits of FieldSpec::types.
struct FieldType {
    static constexpr uint16_t kNull = 1 << 0;
    static constexpr uint16_t kBool = 1 << 1;
    static constexpr uint16_t kInteger = 1 << 2;
    static constexpr uint16_t kNumber = 1 << 3;  // any JSON number, an integer too
    static constexpr uint16_t kString = 1 << 4;
    static constexpr uint16_t kObject = 1 << 5;
    static constexpr uint16_t kArray = 1 << 6;
    static constexpr uint16_t kId = 1 << 7;  // an integer, or a string of digits
    static constexpr uint16_t kAny = kNull | kBool | kInteger | kNumber | kString | kObject | kArray | kId;
};

// "an integer", "an id (an integer or a string of digits)", "a string or an object".
std::string describeFieldTypes(uint16_t types);

struct FieldSpec {
    std::string path;         // from the frame's root: "auth_token", "payload.message.id"
    uint16_t types = 0;       // FieldType bits
    uint16_t quirkTypes = 0;  // types only the document's own examples use (after `~`)
    bool required = true;
};

// A named object shape that several events share (a message, a user, a channel).
struct FieldRecord {
    std::string_view name;
    std::string_view fields;  // a spec, paths relative to the object
};

// Parses spec with records (which may use each other, a few levels deep) into out, parents
// before their members. False, with the reason in error, when the spec is malformed: the specs
// are rtmtap's own data, and a test parses every one.
bool parseFieldSpec(std::string_view spec, const std::vector<FieldRecord>& records, std::vector<FieldSpec>& out,
                    std::string& error);

}  // namespace rtmtap
