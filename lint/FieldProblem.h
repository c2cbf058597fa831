#pragma once
// A frame's fields against its catalogue spec (protocol/FieldSpec): what is missing, what has a
// wrong type, and what has a type only the document's own examples use. command-fields and
// event-shape both read frames through it.
#include "JsonFields.h"
#include "protocol/FieldSpec.h"

#include <string>
#include <vector>

namespace rtmtap {

struct FieldProblem {
    enum class Kind { Missing, WrongType, Quirk };
    Kind kind = Kind::Missing;
    const FieldSpec* spec = nullptr;
    const JsonField* field = nullptr;  // nullptr when missing

    // "no 'message_id' (an id (an integer or a string of digits))",
    // "'message_id' as a bool (true), not an id (...)", "'read_user_count' as a string ("0")".
    std::string describe() const;
};

// The problems of fields against specs, in the specs' order. A field whose parent is missing or
// not an object is not looked at: the parent's own problem says it.
std::vector<FieldProblem> findFieldProblems(const JsonFields& fields, const std::vector<FieldSpec>& specs);

// "a string (\"abc\")", "an integer (5)", "null", "an object": what a field holds, short.
std::string describeValue(const JsonField& field);

}  // namespace rtmtap
