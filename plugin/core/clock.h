// The one clock of the request and media paths: the same steady time base
// for keyframe pacing, NACK budgets and simulcast switching.
#pragma once

#include <chrono>
#include <cstdint>

namespace swiftcall::core {

inline int64_t monotonic_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace swiftcall::core
