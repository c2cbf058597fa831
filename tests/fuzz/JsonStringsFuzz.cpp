// protocol/JsonStrings, the splicer behind the ws_endpoint rewrite and the API redaction, on any
// bytes. Checks: scanJsonStrings agrees with the tokenizer on validity (UTF-8 unchecked); each
// member's span holds its raw content and decodes to its value; replacing every member of a valid
// text gives valid JSON whose members decode to the replacements, in the same places of the same
// paths; spliceJson with arbitrary splices keeps every byte outside the applied ones (compared
// with a plain reference).
#include "protocol/JsonScanner.h"
#include "protocol/JsonStrings.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace rtmtap;

namespace {

// A replacement per member: awkward bytes (quotes, backslashes, controls, non-UTF-8) taken from
// the input so the fuzzer varies them.
std::string replacementFor(size_t i, std::string_view text) {
    std::string out = "r\"\\\x01/";
    out += text.substr(std::min(text.size(), i * 7), 5);
    return out;
}

void checkReplaceAll(std::string_view text, const JsonStringScan& scan) {
    std::vector<std::pair<JsonStringMember, std::string>> replacements;
    for (size_t i = 0; i < scan.members.size(); ++i) {
        replacements.emplace_back(scan.members[i], replacementFor(i, text));
    }
    const std::string out = spliceJsonStrings(text, replacements);
    FUZZ_CHECK(fuzz::validJson(out, false));
    const JsonStringScan again = scanJsonStrings(out);
    FUZZ_CHECK(again.valid && again.members.size() == scan.members.size());
    for (size_t i = 0; i < again.members.size(); ++i) {
        FUZZ_CHECK(again.members[i].path == scan.members[i].path && again.members[i].key == scan.members[i].key);
        FUZZ_CHECK(again.members[i].value == replacements[i].second);
    }
}

std::string referenceSplice(std::string_view text, std::vector<JsonSplice> splices) {
    std::stable_sort(splices.begin(), splices.end(), [](const JsonSplice& a, const JsonSplice& b) { return a.offset < b.offset; });
    std::string out;
    size_t at = 0;
    for (const JsonSplice& s : splices) {
        if (s.offset < at || s.offset + s.length > text.size() || s.offset > text.size()) {
            continue;
        }
        out += std::string(text.substr(at, s.offset - at)) + s.bytes;
        at = s.offset + s.length;
    }
    return out + std::string(text.substr(at));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const JsonStringScan scan = scanJsonStrings(text);
    FUZZ_CHECK(scan.valid == fuzz::validJson(text, false));
    for (const JsonStringMember& m : scan.members) {
        FUZZ_CHECK(m.offset > 0 && m.offset <= size && m.length <= size - m.offset);
        FUZZ_CHECK(text[m.offset - 1] == '"' && m.offset + m.length < size && text[m.offset + m.length] == '"');
        FUZZ_CHECK(m.value == unescapeJson(text.substr(m.offset, m.length)));
        FUZZ_CHECK(m.path.size() >= m.key.size() && m.path.compare(m.path.size() - m.key.size(), m.key.size(), m.key) == 0);
    }
    if (scan.valid) {
        checkReplaceAll(text, scan);
    }
    // Splices from the input's own bytes: offsets and lengths anywhere, overlapping or beyond.
    std::vector<JsonSplice> splices;
    for (size_t i = 0; i + 3 <= size && splices.size() < 8; i += 3) {
        splices.push_back(JsonSplice{data[i], size_t{data[i + 1]} % 16, std::string(data[i + 2] % 4, 'x')});
    }
    FUZZ_CHECK(spliceJson(text, splices) == referenceSplice(text, splices));
    return 0;
}
