#pragma once
// Invariant checks inside fuzz targets: a broken one prints what and where, then aborts, which
// libFuzzer reports as a crash (and saves the input) and the corpus replay as a failed test.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                  \
        }                                                                                  \
    } while (0)
