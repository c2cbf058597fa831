// protocol/JsonPath: parsing a dotted path (from --where and rule files) and locating it in a
// JSON text (frames), with the spans the rules' set and delete splice by.
// Input: the path, a NUL byte, the JSON text (no NUL: the path is "payload.message.id").
// Checks: a parsed path prints back to a path that parses to itself; sqlite() is produced; in a
// valid text a found value's span holds valid JSON of the type said; removing the member, adding
// a missing key where canAdd says, and replacing the value all leave valid JSON, and the path is
// then absent, present, present.
#include "protocol/JsonPath.h"
#include "protocol/JsonStrings.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <stdexcept>
#include <string>

using namespace rtmtap;

namespace {

void checkEdits(std::string_view text, const JsonPath& path, const JsonPathHit& hit) {
    if (hit.found) {
        FUZZ_CHECK(hit.valueOffset <= text.size() && hit.valueLength <= text.size() - hit.valueOffset);
        const std::string_view value = text.substr(hit.valueOffset, hit.valueLength);
        FUZZ_CHECK(fuzz::validJson(value));
        const char first = value.empty() ? 0 : value[0];
        switch (hit.type) {
        case JsonValueType::Object: FUZZ_CHECK(first == '{'); break;
        case JsonValueType::Array: FUZZ_CHECK(first == '['); break;
        case JsonValueType::String: FUZZ_CHECK(first == '"'); break;
        case JsonValueType::True: FUZZ_CHECK(value == "true"); break;
        case JsonValueType::False: FUZZ_CHECK(value == "false"); break;
        case JsonValueType::Null: FUZZ_CHECK(value == "null"); break;
        case JsonValueType::Number: FUZZ_CHECK(first == '-' || (first >= '0' && first <= '9')); break;
        }
        const std::string set = spliceJson(text, {JsonSplice{hit.valueOffset, hit.valueLength, "[1,\"x\"]"}});
        FUZZ_CHECK(fuzz::validJson(set));
        const JsonPathHit afterSet = locateJsonPath(set, path);
        FUZZ_CHECK(afterSet.found && afterSet.type == JsonValueType::Array);
        if (!path.empty()) {
            FUZZ_CHECK(hit.removeOffset <= text.size() && hit.removeLength <= text.size() - hit.removeOffset);
            FUZZ_CHECK(hit.removeOffset <= hit.valueOffset &&
                       hit.valueOffset + hit.valueLength <= hit.removeOffset + hit.removeLength);
            const std::string removed = spliceJson(text, {JsonSplice{hit.removeOffset, hit.removeLength, ""}});
            FUZZ_CHECK(fuzz::validJson(removed));
        }
    } else if (hit.canAdd) {
        FUZZ_CHECK(!path.empty() && !path.steps().back().isIndex());
        FUZZ_CHECK(hit.addOffset <= text.size());
        // As the rules' set adds it: the key as it is between quotes (JsonPath keys can stand there).
        const std::string member = std::string(hit.addNeedsComma ? "," : "") + "\"" + path.steps().back().key + "\":7";
        const std::string added = spliceJson(text, {JsonSplice{hit.addOffset, 0, member}});
        FUZZ_CHECK(fuzz::validJson(added));
        const JsonPathHit afterAdd = locateJsonPath(added, path);
        FUZZ_CHECK(afterAdd.found && afterAdd.type == JsonValueType::Number);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const size_t nul = input.find('\0');
    const std::string dotted(input.substr(0, nul));
    const std::string_view text = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
    JsonPath path;
    try {
        path = JsonPath::parse(dotted);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    const std::string printed = path.dotted();
    FUZZ_CHECK(JsonPath::parse(printed).dotted() == printed);
    FUZZ_CHECK(!path.sqlite().empty());
    const JsonPathHit hit = locateJsonPath(text, path);
    FUZZ_CHECK(hit.valid == fuzz::validJson(text));
    if (hit.valid) {
        checkEdits(text, path, hit);
    } else {
        FUZZ_CHECK(!hit.found && !hit.canAdd);
    }
    return 0;
}
