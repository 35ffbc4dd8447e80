// Per-subscriber-stream sequence number and timestamp continuity. A
// subscriber sees one SSRC with monotonic sequence numbers and a timestamp
// clock that keeps running across publisher switches, simulcast substream
// changes and pauses, as the stock VideoRoom's switching context does.
#pragma once

#include <cstdint>

namespace swiftcall::media {

class RtpRewriter {
public:
    struct Output {
        uint16_t sequence;
        uint32_t timestamp;
    };

    // clock_rate is the codec's RTP clock; now_us a monotonic clock.
    Output rewrite(uint32_t source_ssrc, uint16_t sequence, uint32_t timestamp,
                   uint32_t clock_rate, int64_t now_us);

    // A packet of the current source that is deliberately not forwarded
    // (e.g. a temporal layer above the target): later packets close the gap.
    void skip(uint32_t source_ssrc, uint16_t sequence);

    // The next packet starts a new segment even if its SSRC is unchanged
    // (e.g. the same publisher re-published with the same SSRC).
    void force_resync() { resync_ = true; }

private:
    bool started_ = false;
    bool resync_ = false;
    uint32_t source_ssrc_ = 0;
    uint16_t seq_offset_ = 0;
    uint32_t ts_offset_ = 0;
    uint16_t last_in_seq_ = 0;
    uint16_t last_out_seq_ = 0;
    uint32_t last_out_ts_ = 0;
    int64_t last_time_us_ = 0;
};

// RFC 3550 serial number arithmetic.
inline bool seq_newer(uint16_t a, uint16_t b) { return static_cast<int16_t>(a - b) > 0; }
inline bool ts_newer(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b) > 0; }

}  // namespace swiftcall::media
