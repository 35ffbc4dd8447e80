// h264_is_keyframe on arbitrary RTP payloads (RFC 6184 §5.6-§5.8): single
// NAL units, STAP-A aggregates with hostile sizes, FU-A fragments. A false
// "keyframe" makes simulcast switch onto a stream the decoder cannot start;
// a missed one stalls the switch, so the answer is checked against a
// reference reading of the RFC, not only for crashes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "media/h264_nal.h"

namespace {

// IDR slice or SPS (which precedes the IDR in the same access unit).
bool key_nal_type(uint8_t header) {
    const unsigned type = header & 0x1F;
    return type == 5 || type == 7;
}

bool reference(const uint8_t* data, size_t size) {
    if (size == 0) return false;
    const unsigned type = data[0] & 0x1F;
    if (key_nal_type(data[0])) return true;
    if (type == 28) return size >= 2 && (data[1] & 0x80) && key_nal_type(data[1]);  // FU-A start
    if (type != 24) return false;
    // STAP-A: 16-bit NALU size then the NAL unit, repeated; a unit needs at
    // least its size field and one header byte, and an empty or overrunning
    // unit ends the walk (the rest of the packet cannot be located).
    for (size_t i = 1; size - i >= 3;) {
        const size_t unit = static_cast<size_t>(data[i] << 8 | data[i + 1]);
        i += 2;
        if (unit == 0 || unit > size - i) return false;
        if (key_nal_type(data[i])) return true;
        i += unit;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const bool keyframe = swiftcall::media::h264_is_keyframe(std::span<const uint8_t>(data, size));
    FUZZ_CHECK(keyframe == reference(data, size));
    // The F and NRI bits (0xE0) of the first byte carry no type information
    // (RFC 6184 §5.3): flipping NRI must not change the answer.
    if (size > 0) {
        std::vector<uint8_t> copy(data, data + size);  // the input buffer is read-only
        copy[0] ^= 0x60;
        FUZZ_CHECK(swiftcall::media::h264_is_keyframe(copy) == keyframe);
    }
    return 0;
}
