#pragma once
// "Is this one valid JSON value?" for the fuzz targets' invariants, by the project's one
// tokenizer (protocol/JsonScanner), which the JsonScanner target checks on its own.
#include "protocol/JsonScanner.h"

#include <string_view>

namespace rtmtap::fuzz {

// maxDepth: the classifier's nesting is not limited (kUnlimited), the other readers' is.
inline bool validJson(std::string_view text, bool checkUtf8 = true, size_t maxDepth = 512) {
    JsonScanOptions options;
    options.checkUtf8 = checkUtf8;
    options.maxDepth = maxDepth;
    JsonHandler none;
    return JsonScanner(text, options).scan(none);
}

}  // namespace rtmtap::fuzz
