#pragma once
// A word for a /bin/sh command line: the viewer's "copy as rtmtap query" and "replay this" lines,
// and the tests that run outside tools. Bare when it holds only characters sh takes literally,
// else in single quotes (it'\''s).
#include <string>

namespace rtmtap::view {

std::string shellWord(const std::string& text);

}  // namespace rtmtap::view
