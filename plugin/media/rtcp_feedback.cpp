#include "media/rtcp_feedback.h"

namespace swiftcall::media {
namespace {
constexpr uint8_t kTransportFeedback = 205, kPayloadSpecificFeedback = 206;
constexpr uint8_t kFmtNack = 1, kFmtPli = 1, kFmtFir = 4;

// FCI of a Generic NACK: 4-byte entries of PID + bitmask of the 16 following.
void read_nack(const uint8_t* p, size_t block, RtcpFeedback& feedback, size_t& total) {
    if (block < 12) {
        feedback.malformed = true;
        return;
    }
    NackRequest request;
    request.media_ssrc = static_cast<uint32_t>(p[8]) << 24 | p[9] << 16 | p[10] << 8 | p[11];
    for (size_t fci = 12; fci + 4 <= block && total < kMaxNackedPerPacket; fci += 4) {
        const uint16_t pid = static_cast<uint16_t>(p[fci] << 8 | p[fci + 1]);
        const uint16_t blp = static_cast<uint16_t>(p[fci + 2] << 8 | p[fci + 3]);
        request.sequences.push_back(pid);
        total++;
        for (int bit = 0; bit < 16 && total < kMaxNackedPerPacket; bit++) {
            if (blp & (1u << bit)) {
                request.sequences.push_back(static_cast<uint16_t>(pid + bit + 1));
                total++;
            }
        }
    }
    if (!request.sequences.empty()) feedback.nacks.push_back(std::move(request));
}
}  // namespace

RtcpFeedback parse_rtcp_feedback(std::span<const uint8_t> compound) {
    RtcpFeedback feedback;
    size_t offset = 0, nacked = 0;
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
        if (p[1] == kTransportFeedback && fmt == kFmtNack) read_nack(p, block, feedback, nacked);
        offset += block;
    }
    return feedback;
}

}  // namespace swiftcall::media
