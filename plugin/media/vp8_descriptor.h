// The VP8 RTP payload descriptor (RFC 7741 §4.2): what simulcast needs to
// know (keyframe, temporal layer) and rewrite (picture id, TL0PICIDX).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace swiftcall::media {

struct Vp8Descriptor {
    size_t size = 0;               // descriptor bytes before the VP8 payload
    bool start_of_partition = false;
    uint8_t partition_index = 0;
    bool keyframe = false;         // first packet of a key frame
    std::optional<uint16_t> picture_id;
    bool picture_id_15bit = false;
    size_t picture_id_offset = 0;
    std::optional<uint8_t> tl0picidx;
    size_t tl0picidx_offset = 0;
    std::optional<uint8_t> temporal_id;
    bool layer_sync = false;

    static std::optional<Vp8Descriptor> parse(std::span<const uint8_t> payload);
    // Rewrites picture id and TL0PICIDX in place (same widths as parsed).
    void rewrite(std::span<uint8_t> payload, uint16_t picture_id, uint8_t tl0picidx) const;
};

// Keeps picture ids and TL0PICIDX continuous across simulcast switches, as a
// decoder treats a jump as loss.
class Vp8ContinuityRewriter {
public:
    void on_switch() { switched_ = true; }
    void apply(std::span<uint8_t> payload, const Vp8Descriptor& desc);

private:
    bool started_ = false;
    bool switched_ = false;
    uint16_t pid_offset_ = 0;
    uint8_t tl0_offset_ = 0;
    uint16_t last_pid_ = 0;
    uint8_t last_tl0_ = 0;
};

}  // namespace swiftcall::media
