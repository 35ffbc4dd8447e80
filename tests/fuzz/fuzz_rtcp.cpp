// parse_rtcp_feedback on arbitrary compound RTCP, checked against a
// reference walk of RFC 3550 §6.4 headers and RFC 4585 §6.2.1/§6.3 feedback
// written here independently: a missed PLI freezes a subscriber's video, a
// wrong NACK expansion retransmits the wrong packets, and the cap is what
// keeps one hostile packet from costing hundreds of retransmissions.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fuzz_check.h"
#include "media/rtcp_feedback.h"

using namespace swiftcall::media;

namespace {

struct Expected {
    bool keyframe_request = false;
    bool malformed = false;
    std::vector<NackRequest> nacks;
};

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

Expected reference(const uint8_t* data, size_t size) {
    Expected out;
    size_t nacked = 0;
    size_t offset = 0;
    while (size - offset >= 4) {
        const uint8_t* p = data + offset;
        const size_t length = 4 * (static_cast<size_t>(be16(p + 2)) + 1);
        if ((p[0] >> 6) != 2 || length > size - offset) {
            out.malformed = true;
            break;
        }
        const unsigned fmt = p[0] & 0x1F;
        // PT 206 FMT 1/4: PLI, FIR. PT 205 FMT 1: Generic NACK.
        if (p[1] == 206 && (fmt == 1 || fmt == 4)) out.keyframe_request = true;
        if (p[1] == 205 && fmt == 1) {
            if (length < 12) {
                out.malformed = true;
            } else {
                NackRequest request;
                request.media_ssrc = static_cast<uint32_t>(be16(p + 8)) << 16 | be16(p + 10);
                for (size_t fci = 12; fci + 4 <= length; fci += 4) {
                    const uint16_t pid = be16(p + fci);
                    const uint16_t blp = be16(p + fci + 2);
                    std::vector<uint16_t> asked{pid};
                    for (unsigned bit = 0; bit < 16; bit++)
                        if (blp >> bit & 1) asked.push_back(static_cast<uint16_t>(pid + bit + 1));
                    for (uint16_t seq : asked) {
                        if (nacked == kMaxNackedPerPacket) break;
                        request.sequences.push_back(seq);
                        nacked++;
                    }
                }
                if (!request.sequences.empty()) out.nacks.push_back(request);
            }
        }
        offset += length;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const RtcpFeedback feedback = parse_rtcp_feedback(std::span<const uint8_t>(data, size));
    const Expected expected = reference(data, size);

    FUZZ_CHECK(feedback.keyframe_request == expected.keyframe_request);
    FUZZ_CHECK(feedback.malformed == expected.malformed);
    FUZZ_CHECK(feedback.nacks.size() == expected.nacks.size());
    size_t nacked = 0;
    for (size_t i = 0; i < feedback.nacks.size(); i++) {
        const NackRequest& got = feedback.nacks[i];
        FUZZ_CHECK(!got.sequences.empty());
        FUZZ_CHECK(got.media_ssrc == expected.nacks[i].media_ssrc);
        FUZZ_CHECK(got.sequences == expected.nacks[i].sequences);
        nacked += got.sequences.size();
    }
    FUZZ_CHECK(nacked <= kMaxNackedPerPacket);
    // Each FCI entry asks for at most 17 packets: more would mean sequences
    // were invented, not read.
    FUZZ_CHECK(nacked <= 17 * (size / 4));
    return 0;
}
