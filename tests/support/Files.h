#pragma once
// Whole-file reads and writes for tests (binary: bytes as they are), and a file's mode bits.
#include <string>
#include <sys/types.h>

namespace rtmtap::test {

std::string slurp(const std::string& path);                    // "" when it cannot be read
void spit(const std::string& path, const std::string& bytes);  // replaces the file
mode_t modeOf(const std::string& path);                        // permission bits; a failed test when absent

}  // namespace rtmtap::test
