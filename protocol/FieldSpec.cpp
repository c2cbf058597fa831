#include "FieldSpec.h"

#include <utility>

namespace rtmtap {
namespace {

constexpr int kMaxRecordNesting = 4;

struct TypeName {
    std::string_view name;
    uint16_t bits;
    const char* phrase;
};

// In the order describeFieldTypes lists them.
constexpr TypeName kTypes[] = {
    {"id", FieldType::kId, "an id (an integer or a string of digits)"},
    {"integer", FieldType::kInteger, "an integer"},
    {"number", FieldType::kNumber, "a number"},
    {"string", FieldType::kString, "a string"},
    {"bool", FieldType::kBool, "a bool"},
    {"object", FieldType::kObject, "an object"},
    {"array", FieldType::kArray, "an array"},
    {"null", FieldType::kNull, "null"},
};

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

bool isPathChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool validPath(std::string_view path) {
    for (std::string_view segment : split(path, '.')) {
        if (segment.empty()) {
            return false;
        }
        for (char c : segment) {
            if (!isPathChar(c)) {
                return false;
            }
        }
    }
    return true;
}

const FieldRecord* findRecord(const std::vector<FieldRecord>& records, std::string_view name) {
    for (const FieldRecord& record : records) {
        if (record.name == name) {
            return &record;
        }
    }
    return nullptr;
}

class SpecParser {
public:
    SpecParser(const std::vector<FieldRecord>& records, std::vector<FieldSpec>& out, std::string& error)
        : records_(records), out_(out), error_(error) {}

    bool parse(std::string_view spec, const std::string& prefix, int nesting) {
        for (std::string_view item : split(spec, ' ')) {
            if (!item.empty() && !parseItem(item, prefix, nesting)) {
                return false;
            }
        }
        return true;
    }

private:
    bool fail(std::string message) {
        error_ = std::move(message);
        return false;
    }

    // "a|b" into bits; a record name (allowed only when record is given) lands in *record.
    bool parseTypes(std::string_view text, std::string_view item, uint16_t& bits, const FieldRecord** record) {
        for (std::string_view name : split(text, '|')) {
            if (name == "any") {
                bits |= FieldType::kAny;
                continue;
            }
            bool known = false;
            for (const TypeName& type : kTypes) {
                if (type.name == name) {
                    bits |= type.bits;
                    known = true;
                }
            }
            if (known) {
                continue;
            }
            const FieldRecord* found = record ? findRecord(records_, name) : nullptr;
            if (!found || *record) {
                return fail("'" + std::string(item) + "': unknown or second record type '" + std::string(name) + "'");
            }
            *record = found;
            bits |= FieldType::kObject;
        }
        return true;
    }

    bool parseItem(std::string_view item, const std::string& prefix, int nesting) {
        const size_t colon = item.find(':');
        if (colon == std::string_view::npos) {
            return fail("'" + std::string(item) + "': no ':type'");
        }
        FieldSpec spec;
        std::string_view path = item.substr(0, colon);
        if (!path.empty() && path.back() == '?') {
            spec.required = false;
            path.remove_suffix(1);
        }
        if (!validPath(path)) {
            return fail("'" + std::string(item) + "': a path is names of letters, digits and '_' joined by '.'");
        }
        spec.path = prefix + std::string(path);
        std::vector<std::string_view> sides = split(item.substr(colon + 1), '~');
        const FieldRecord* record = nullptr;
        if (sides.size() > 2 || !parseTypes(sides[0], item, spec.types, &record) ||
            (sides.size() == 2 && !parseTypes(sides[1], item, spec.quirkTypes, nullptr))) {
            return error_.empty() ? fail("'" + std::string(item) + "': more than one '~'") : false;
        }
        put(std::move(spec));
        if (!record) {
            return true;
        }
        if (nesting >= kMaxRecordNesting) {
            return fail("record '" + std::string(record->name) + "' nests too deep");
        }
        return parse(record->fields, out_.back().path + ".", nesting + 1);
    }

    // A later item for a path replaces the earlier one in place.
    void put(FieldSpec spec) {
        for (FieldSpec& existing : out_) {
            if (existing.path == spec.path) {
                existing = std::move(spec);
                return;
            }
        }
        out_.push_back(std::move(spec));
    }

    const std::vector<FieldRecord>& records_;
    std::vector<FieldSpec>& out_;
    std::string& error_;
};

}  // namespace

std::string describeFieldTypes(uint16_t types) {
    if (types == FieldType::kAny) {
        return "anything";
    }
    std::string text;
    for (const TypeName& type : kTypes) {
        if (types & type.bits) {
            text += (text.empty() ? "" : " or ") + std::string(type.phrase);
        }
    }
    return text;
}

bool parseFieldSpec(std::string_view spec, const std::vector<FieldRecord>& records, std::vector<FieldSpec>& out,
                    std::string& error) {
    out.clear();
    error.clear();
    SpecParser parser(records, out, error);
    if (!parser.parse(spec, "", 0)) {
        out.clear();
        return false;
    }
    return true;
}

}  // namespace rtmtap
