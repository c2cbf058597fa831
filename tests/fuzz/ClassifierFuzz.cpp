// protocol/Classifier on any payload, and the ws_auth token redaction the store applies through
// auth_token_span (store/FrameWriter::applyAuth: the span's bytes become redactJwt of them).
// Checks: malformed exactly when the payload is not valid JSON; a malformed payload indexes
// nothing; the span lies inside the payload and only for ws_auth; the redacted payload is still
// valid JSON that classifies the same, with the span now over the redacted token.
#include "protocol/Classifier.h"
#include "protocol/JwtClaims.h"
#include "protocol/Utf8.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <string>

using namespace rtmtap;

namespace {

void checkRedaction(const std::string& payload, const Classification& c) {
    auto [offset, length] = *c.auth_token_span;
    FUZZ_CHECK(offset <= payload.size() && length <= payload.size() - offset);
    FUZZ_CHECK(offset > 0 && payload[offset - 1] == '"' && offset + length < payload.size() &&
               payload[offset + length] == '"');
    const std::string redacted = redactJwt(std::string_view(payload).substr(offset, length));
    std::string stored = payload;
    stored.replace(offset, length, redacted);
    const Classification again = classify(stored);
    FUZZ_CHECK(!again.malformed);
    FUZZ_CHECK(again.kind == c.kind && again.name == c.name);
    FUZZ_CHECK(again.channel_id == c.channel_id && again.message_id == c.message_id && again.user_id == c.user_id);
    FUZZ_CHECK(again.auth_token_span && again.auth_token_span->first == offset &&
               again.auth_token_span->second == redacted.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string payload(reinterpret_cast<const char*>(data), size);
    const Classification c = classify(payload);
    FUZZ_CHECK(c.malformed == !fuzz::validJson(payload, true, JsonScanOptions::kUnlimited));
    if (c.malformed) {
        FUZZ_CHECK(c.kind == Kind::Other && c.name.empty() && !c.channel_id && !c.message_id && !c.user_id &&
                   !c.auth_token_span);
    }
    FUZZ_CHECK(isValidUtf8(c.name));
    FUZZ_CHECK(c.name.empty() || c.kind == Kind::Command || c.kind == Kind::Event);
    if (c.auth_token_span) {
        FUZZ_CHECK(c.kind == Kind::Command && c.name == "ws_auth");
        checkRedaction(payload, c);
    }
    for (Opcode op : {Opcode::Text, Opcode::Binary, Opcode::Ping}) {
        Message m;
        m.op = op;
        m.payload = payload;
        m.size = payload.size();
        uint32_t flags = 0;
        const Classification message = classifyMessage(m, flags);
        if (op == Opcode::Text) {
            FUZZ_CHECK(((flags & MessageFlag::Malformed) != 0) == c.malformed);
            FUZZ_CHECK(((flags & MessageFlag::InvalidUtf8) != 0) == (c.malformed && !isValidUtf8(payload)));
            FUZZ_CHECK(message.kind == c.kind && message.name == c.name);
        }
        if (op == Opcode::Ping) {
            FUZZ_CHECK(message.kind == Kind::Control && flags == 0);
        }
    }
    return 0;
}
