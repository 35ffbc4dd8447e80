#include "media/vp8_descriptor.h"

namespace swiftcall::media {

std::optional<Vp8Descriptor> Vp8Descriptor::parse(std::span<const uint8_t> payload) {
    if (payload.empty()) return std::nullopt;
    Vp8Descriptor d;
    const uint8_t* p = payload.data();
    const size_t n = payload.size();
    size_t i = 0;
    const bool extended = p[0] & 0x80;
    d.start_of_partition = p[0] & 0x10;
    d.partition_index = p[0] & 0x07;
    i = 1;
    if (extended) {
        if (i >= n) return std::nullopt;
        const uint8_t x = p[i++];
        const bool has_pid = x & 0x80, has_tl0 = x & 0x40, has_tid = x & 0x20, has_key = x & 0x10;
        if (has_pid) {
            if (i >= n) return std::nullopt;
            d.picture_id_offset = i;
            if (p[i] & 0x80) {
                if (i + 1 >= n) return std::nullopt;
                d.picture_id_15bit = true;
                d.picture_id = static_cast<uint16_t>((p[i] & 0x7F) << 8 | p[i + 1]);
                i += 2;
            } else {
                d.picture_id = p[i] & 0x7F;
                i += 1;
            }
        }
        if (has_tl0) {
            if (i >= n) return std::nullopt;
            d.tl0picidx_offset = i;
            d.tl0picidx = p[i++];
        }
        if (has_tid || has_key) {
            if (i >= n) return std::nullopt;
            if (has_tid) {
                d.temporal_id = static_cast<uint8_t>(p[i] >> 6);
                d.layer_sync = p[i] & 0x20;
            }
            i++;
        }
    }
    d.size = i;
    // RFC 7741 §4.3: the P bit of the first payload byte is 0 on key frames.
    if (d.start_of_partition && d.partition_index == 0 && i < n) d.keyframe = (p[i] & 0x01) == 0;
    return d;
}

void Vp8Descriptor::rewrite(std::span<uint8_t> payload, uint16_t new_pid, uint8_t new_tl0) const {
    if (picture_id && picture_id_offset + (picture_id_15bit ? 2 : 1) <= payload.size()) {
        if (picture_id_15bit) {
            payload[picture_id_offset] = static_cast<uint8_t>(0x80 | ((new_pid >> 8) & 0x7F));
            payload[picture_id_offset + 1] = static_cast<uint8_t>(new_pid);
        } else {
            payload[picture_id_offset] = static_cast<uint8_t>(new_pid & 0x7F);
        }
    }
    if (tl0picidx && tl0picidx_offset < payload.size()) payload[tl0picidx_offset] = new_tl0;
}

void Vp8ContinuityRewriter::apply(std::span<uint8_t> payload, const Vp8Descriptor& desc) {
    if (!desc.picture_id) return;
    const uint16_t mask = desc.picture_id_15bit ? 0x7FFF : 0x7F;
    const uint16_t pid = *desc.picture_id;
    const uint8_t tl0 = desc.tl0picidx.value_or(0);
    if (!started_) {
        started_ = true;
        switched_ = false;
    } else if (switched_) {
        // New source: continue right after what the subscriber saw last.
        pid_offset_ = static_cast<uint16_t>(last_pid_ + 1 - pid);
        tl0_offset_ = static_cast<uint8_t>(last_tl0_ + 1 - tl0);
        switched_ = false;
    }
    last_pid_ = static_cast<uint16_t>((pid + pid_offset_) & mask);
    last_tl0_ = static_cast<uint8_t>(tl0 + tl0_offset_);
    desc.rewrite(payload, last_pid_, last_tl0_);
}

}  // namespace swiftcall::media
