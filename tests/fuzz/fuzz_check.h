// Invariant checks for the fuzz targets. A violated invariant is a parser
// bug just like a crash, so it must stop libFuzzer the same way (abort is a
// "deadly signal": the input is saved as a crash artifact) and say which
// property broke, since the stack alone does not.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace swiftcall::fuzz {

[[noreturn]] inline void invariant_failed(const char* condition, const char* file, int line) {
    std::fprintf(stderr, "fuzz invariant violated: %s (%s:%d)\n", condition, file, line);
    std::abort();
}

}  // namespace swiftcall::fuzz

#define FUZZ_CHECK(condition) \
    ((condition) ? (void)0 : ::swiftcall::fuzz::invariant_failed(#condition, __FILE__, __LINE__))
