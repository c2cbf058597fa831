#include "FieldProblem.h"

#include "protocol/JsonScanner.h"

namespace rtmtap {
namespace {

constexpr size_t kShownChars = 24;  // of a scalar's text in a sentence

bool isDigitString(const JsonField& field) {
    int64_t value = 0;
    return !field.escaped && parseJsonInt64(field.raw, value);
}

bool matches(const JsonField& field, uint16_t types) {
    switch (field.type) {
    case JsonType::Null: return types & FieldType::kNull;
    case JsonType::Bool: return types & FieldType::kBool;
    case JsonType::Integer: return types & (FieldType::kInteger | FieldType::kNumber | FieldType::kId);
    case JsonType::Number: return types & FieldType::kNumber;
    case JsonType::String: return (types & FieldType::kString) || ((types & FieldType::kId) && isDigitString(field));
    case JsonType::Object: return types & FieldType::kObject;
    case JsonType::Array: return types & FieldType::kArray;
    }
    return false;
}

// Whether a member's parent is an object in the frame (the root always is, for a checked frame).
// Members of one parent come one after the other in a spec, so the last answer is kept: lint
// asks for every frame of a recording.
class ParentCheck {
public:
    explicit ParentCheck(const JsonFields& fields) : fields_(fields) {}
    bool isObject(const std::string& path) {
        const size_t dot = path.rfind('.');
        if (dot == std::string::npos) {
            return true;
        }
        const std::string_view parent = std::string_view(path).substr(0, dot);
        if (parent != last_) {
            const JsonField* field = fields_.find(parent);
            last_ = parent;
            lastIsObject_ = field && field->type == JsonType::Object;
        }
        return lastIsObject_;
    }

private:
    const JsonFields& fields_;
    std::string_view last_;
    bool lastIsObject_ = false;
};

std::string shown(std::string_view raw) {
    return raw.size() <= kShownChars ? std::string(raw) : std::string(raw.substr(0, kShownChars)) + "...";
}

}  // namespace

std::string describeValue(const JsonField& field) {
    switch (field.type) {
    case JsonType::Null: return "null";
    case JsonType::Bool: return "a bool (" + std::string(field.raw) + ")";
    case JsonType::Integer: return "an integer (" + shown(field.raw) + ")";
    case JsonType::Number: return "a number (" + shown(field.raw) + ")";
    case JsonType::String: return "a string (\"" + shown(field.raw) + "\")";
    case JsonType::Object: return "an object";
    case JsonType::Array: return "an array";
    }
    return "null";
}

std::string FieldProblem::describe() const {
    const std::string expected = describeFieldTypes(spec->types);
    switch (kind) {
    case Kind::Missing: return "no '" + spec->path + "' (" + expected + ")";
    case Kind::WrongType: return "'" + spec->path + "' as " + describeValue(*field) + ", not " + expected;
    case Kind::Quirk: return "'" + spec->path + "' as " + describeValue(*field);
    }
    return spec->path;
}

std::vector<FieldProblem> findFieldProblems(const JsonFields& fields, const std::vector<FieldSpec>& specs) {
    std::vector<FieldProblem> problems;
    ParentCheck parents(fields);
    for (const FieldSpec& spec : specs) {
        if (!parents.isObject(spec.path)) {
            continue;
        }
        const JsonField* field = fields.find(spec.path);
        if (!field) {
            if (spec.required) {
                problems.push_back({FieldProblem::Kind::Missing, &spec, nullptr});
            }
        } else if (!matches(*field, spec.types)) {
            bool quirk = matches(*field, spec.quirkTypes);
            problems.push_back({quirk ? FieldProblem::Kind::Quirk : FieldProblem::Kind::WrongType, &spec, field});
        }
    }
    return problems;
}

}  // namespace rtmtap
