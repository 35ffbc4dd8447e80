// The one clock of the request and media paths: the same steady time base
// for keyframe pacing, NACK budgets and simulcast switching; and the wall
// clock, where Janus's own output needs it.
#pragma once

#include <chrono>
#include <cstdint>

namespace swiftcall::core {

inline int64_t monotonic_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Wall-clock µs, the clock Janus stamps Sender Reports and names stock
// recordings with (gettimeofday / janus_get_real_time).
inline int64_t realtime_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace swiftcall::core
