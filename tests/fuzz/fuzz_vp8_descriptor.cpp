// Vp8Descriptor::parse on arbitrary payloads (RFC 7741 §4.2), then the
// rewrites simulcast does on what parsed. The offsets parse() reports are
// written to without further checks, so they are compared with the layout
// the RFC gives; a rewritten descriptor must parse to the same layout with
// the new values, and the continuity rewriter must continue the picture id
// and TL0PICIDX by exactly one across a switch (a decoder treats any other
// jump as loss and asks for a keyframe).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "media/vp8_descriptor.h"

using swiftcall::media::Vp8ContinuityRewriter;
using swiftcall::media::Vp8Descriptor;

namespace {

// Descriptor length from the X/I/L/T/K/M bits alone, 0 if it does not fit.
size_t reference_size(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    size_t need = 1;
    if (data[0] & 0x80) {
        if (size < 2) return 0;
        const uint8_t x = data[1];
        need = 2;
        if (x & 0x80) {  // I: picture id, M bit selects 15 bits
            if (size < need + 1) return 0;
            need += (data[need] & 0x80) ? 2 : 1;
        }
        if (x & 0x40) need += 1;  // L: TL0PICIDX
        if (x & 0x30) need += 1;  // T or K: TID/Y/KEYIDX byte
    }
    return need <= size ? need : 0;
}

bool same_layout(const Vp8Descriptor& a, const Vp8Descriptor& b) {
    return a.size == b.size && a.start_of_partition == b.start_of_partition &&
           a.partition_index == b.partition_index && a.keyframe == b.keyframe &&
           a.picture_id.has_value() == b.picture_id.has_value() &&
           a.picture_id_15bit == b.picture_id_15bit && a.picture_id_offset == b.picture_id_offset &&
           a.tl0picidx.has_value() == b.tl0picidx.has_value() &&
           a.tl0picidx_offset == b.tl0picidx_offset && a.temporal_id == b.temporal_id &&
           a.layer_sync == b.layer_sync;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::optional<Vp8Descriptor> desc =
        Vp8Descriptor::parse(std::span<const uint8_t>(data, size));
    const size_t expected_size = reference_size(data, size);
    FUZZ_CHECK(desc.has_value() == (expected_size != 0));
    if (!desc) return 0;
    FUZZ_CHECK(desc->size == expected_size);
    FUZZ_CHECK(desc->size <= size);
    FUZZ_CHECK(desc->start_of_partition == ((data[0] & 0x10) != 0));
    FUZZ_CHECK(desc->partition_index == (data[0] & 0x07));
    // RFC 7741 §4.3: a key frame starts partition 0 with the P bit clear.
    const bool keyframe =
        (data[0] & 0x17) == 0x10 && size > desc->size && (data[desc->size] & 0x01) == 0;
    FUZZ_CHECK(desc->keyframe == keyframe);
    const bool extended = data[0] & 0x80;
    FUZZ_CHECK(desc->picture_id.has_value() == (extended && (data[1] & 0x80)));
    FUZZ_CHECK(desc->tl0picidx.has_value() == (extended && (data[1] & 0x40)));
    FUZZ_CHECK(desc->temporal_id.has_value() == (extended && (data[1] & 0x20)));
    if (desc->picture_id) {
        const size_t at = desc->picture_id_offset;
        FUZZ_CHECK(at == 2);
        FUZZ_CHECK(at + (desc->picture_id_15bit ? 2 : 1) <= desc->size);
        FUZZ_CHECK(desc->picture_id_15bit == ((data[at] & 0x80) != 0));
        const unsigned pid =
            desc->picture_id_15bit ? (data[at] & 0x7F) << 8 | data[at + 1] : data[at] & 0x7Fu;
        FUZZ_CHECK(*desc->picture_id == pid);
    }
    if (desc->tl0picidx) {
        FUZZ_CHECK(desc->tl0picidx_offset < desc->size);
        FUZZ_CHECK(*desc->tl0picidx == data[desc->tl0picidx_offset]);
    }
    if (desc->temporal_id) {
        const uint8_t tid_byte = data[desc->size - 1];  // TID/Y/KEYIDX is always last
        FUZZ_CHECK(*desc->temporal_id == tid_byte >> 6);
        FUZZ_CHECK(desc->layer_sync == ((tid_byte & 0x20) != 0));
    }

    // rewrite(): only the picture id and TL0PICIDX bytes change.
    std::vector<uint8_t> payload(data, data + size);
    const uint16_t new_pid = 0x7ABC;
    const uint8_t new_tl0 = 0xA5;
    desc->rewrite(payload, new_pid, new_tl0);
    const auto again = Vp8Descriptor::parse(payload);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(same_layout(*again, *desc));
    if (desc->picture_id)
        FUZZ_CHECK(*again->picture_id == (new_pid & (desc->picture_id_15bit ? 0x7FFF : 0x7F)));
    if (desc->tl0picidx) FUZZ_CHECK(*again->tl0picidx == new_tl0);
    for (size_t i = 0; i < size; i++) {
        const bool pid_byte = desc->picture_id && i >= desc->picture_id_offset &&
                              i < desc->picture_id_offset + (desc->picture_id_15bit ? 2 : 1);
        const bool tl0_byte = desc->tl0picidx && i == desc->tl0picidx_offset;
        if (!pid_byte && !tl0_byte) FUZZ_CHECK(payload[i] == data[i]);
    }

    // Continuity: the first packet of a source passes through unchanged, the
    // first one after a switch continues the ids where the subscriber left.
    std::vector<uint8_t> first(data, data + size);
    Vp8ContinuityRewriter rewriter;
    rewriter.apply(first, *desc);
    for (size_t i = 0; i < size; i++) FUZZ_CHECK(first[i] == data[i]);
    rewriter.on_switch();
    std::vector<uint8_t> second(data, data + size);
    rewriter.apply(second, *desc);
    const auto after = Vp8Descriptor::parse(second);
    FUZZ_CHECK(after.has_value() && same_layout(*after, *desc));
    if (desc->picture_id) {
        const uint16_t mask = desc->picture_id_15bit ? 0x7FFF : 0x7F;
        FUZZ_CHECK(*after->picture_id == ((*desc->picture_id + 1) & mask));
        if (desc->tl0picidx)
            FUZZ_CHECK(*after->tl0picidx == static_cast<uint8_t>(*desc->tl0picidx + 1));
    }
    return 0;
}
