// The 48-bit SRTP packet index (RFC 3711 §3.3.1): ROC << 16 | SEQ, with the
// ROC guessed from the highest index seen so far (Appendix A). A delta leg's
// outbound index is the inbound index plus a fixed delta, so the fan-out, the
// sealer and the NACK rebuild must number every packet the same way.
#pragma once

#include <cstdint>

#include "swiftcall_abi.h"

namespace swiftcall::media {

inline constexpr uint64_t kSrtpIndexMask = SC_SRTP_INDEX_MASK;

// The index of `seq` given the highest index seen so far.
inline uint64_t estimate_srtp_index(uint64_t highest, uint16_t seq) {
    const uint64_t roc = highest >> 16;
    const uint16_t s_l = static_cast<uint16_t>(highest);
    uint64_t guess_roc = roc;
    if (s_l < 32768) {
        if (seq > s_l && seq - s_l > 32768 && roc > 0) guess_roc = roc - 1;
    } else {
        if (seq < s_l - 32768) guess_roc = roc + 1;
    }
    return ((guess_roc << 16) | seq) & kSrtpIndexMask;
}

// Tracks the highest index of one packet stream.
class SrtpIndexTracker {
  public:
    // Returns the index of this packet and remembers it if it is the newest.
    uint64_t update(uint16_t seq) {
        if (!started_) {
            started_ = true;
            highest_ = seq;
            return highest_;
        }
        const uint64_t index = estimate_srtp_index(highest_, seq);
        if (index > highest_) highest_ = index;
        return index;
    }
    // Continue from an index someone else (the kernel) already reached.
    void seed(uint64_t highest) {
        started_ = true;
        highest_ = highest & kSrtpIndexMask;
    }
    bool started() const { return started_; }
    uint64_t highest() const { return highest_; }

  private:
    bool started_ = false;
    uint64_t highest_ = 0;
};

}  // namespace swiftcall::media
