#pragma once
// What a FrameFilter means, written out plainly, frame by frame: the oracle the tests of
// Reader::query and Reader::count compare the indexed search against (tests/store/FrameSearchTest,
// tests/store/ReaderContractTest). --where and --finding are not evaluated here: a test that
// sets them says itself which frames it expects.
#include "store/FrameFilter.h"
#include "store/Reader.h"

#include <string>

namespace rtmtap::test {

// word stands in payload between non-token characters, case-insensitively (ASCII), as SQLite's
// FTS5 ascii tokenizer sees it.
bool hasWord(const std::string& payload, const std::string& word);

// row passes every field of f but wheres and findings.
bool passes(const FrameFilter& f, const FrameRow& row);

}  // namespace rtmtap::test
