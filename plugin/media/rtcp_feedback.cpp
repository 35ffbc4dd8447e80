#include "media/rtcp_feedback.h"

namespace swiftcall::media {
namespace {
constexpr uint8_t kPayloadSpecificFeedback = 206;
constexpr uint8_t kFmtPli = 1, kFmtFir = 4;
}  // namespace

RtcpFeedback parse_rtcp_feedback(std::span<const uint8_t> compound) {
    RtcpFeedback feedback;
    size_t offset = 0;
    // A compound packet of 1500 bytes holds at most ~375 RTCP headers; the
    // loop is bounded by the buffer since every block advances >= 4 bytes.
    while (offset + 4 <= compound.size()) {
        const uint8_t* p = compound.data() + offset;
        if ((p[0] >> 6) != 2) {
            feedback.malformed = true;
            break;
        }
        const size_t block = 4 * (static_cast<size_t>(p[2] << 8 | p[3]) + 1);
        if (offset + block > compound.size()) {
            feedback.malformed = true;
            break;
        }
        const uint8_t fmt = p[0] & 0x1F;
        if (p[1] == kPayloadSpecificFeedback && (fmt == kFmtPli || fmt == kFmtFir))
            feedback.keyframe_request = true;
        offset += block;
    }
    return feedback;
}

}  // namespace swiftcall::media
