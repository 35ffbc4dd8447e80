#include "media/rtp_rewriter.h"

namespace swiftcall::media {

RtpRewriter::Output RtpRewriter::rewrite(uint32_t source_ssrc, uint16_t sequence,
                                         uint32_t timestamp, uint32_t clock_rate,
                                         int64_t now_us) {
    if (!started_) {
        started_ = true;
        source_ssrc_ = source_ssrc;
        seq_offset_ = 0;
        ts_offset_ = 0;
        last_out_seq_ = static_cast<uint16_t>(sequence - 1);
        last_out_ts_ = timestamp;
        last_in_seq_ = static_cast<uint16_t>(sequence - 1);
    } else if (source_ssrc != source_ssrc_ || resync_) {
        // Continue from what the subscriber saw last; advance the clock by the
        // wall time since then so jitter buffers see a plausible gap.
        int64_t elapsed_us = now_us - last_time_us_;
        if (elapsed_us < 0) elapsed_us = 0;
        uint32_t step = static_cast<uint32_t>(elapsed_us * static_cast<int64_t>(clock_rate) / 1000000);
        if (step == 0) step = 1;
        seq_offset_ = static_cast<uint16_t>(last_out_seq_ + 1 - sequence);
        ts_offset_ = last_out_ts_ + step - timestamp;
        source_ssrc_ = source_ssrc;
        last_in_seq_ = static_cast<uint16_t>(sequence - 1);
        resync_ = false;
    }
    Output out{static_cast<uint16_t>(sequence + seq_offset_), timestamp + ts_offset_};
    if (seq_newer(sequence, last_in_seq_)) last_in_seq_ = sequence;
    if (seq_newer(out.sequence, last_out_seq_)) last_out_seq_ = out.sequence;
    if (ts_newer(out.timestamp, last_out_ts_)) last_out_ts_ = out.timestamp;
    last_time_us_ = now_us;
    return out;
}

void RtpRewriter::skip(uint32_t source_ssrc, uint16_t sequence) {
    if (!started_ || source_ssrc != source_ssrc_ || resync_) return;
    // Only a packet newer than anything seen shifts what follows; a late
    // duplicate of an old one must not move the numbering.
    if (!seq_newer(sequence, last_in_seq_)) return;
    last_in_seq_ = sequence;
    seq_offset_ = static_cast<uint16_t>(seq_offset_ - 1);
}

}  // namespace swiftcall::media
