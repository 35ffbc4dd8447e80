// Reads a subscriber's compound RTCP (RFC 3550 §6.1, RFC 4585 §6) for the
// feedback the SFU acts on. NACKs of user-path legs are answered by the Janus
// core itself; for kernel-served legs the core lets them through and the
// plugin answers them (core/nack_responder).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace swiftcall::media {

// One Generic NACK (RFC 4585 §6.2.1) expanded: the media SSRC it is about
// and every sequence number it asks for (PID and the BLP bits).
struct NackRequest {
    uint32_t media_ssrc = 0;
    std::vector<uint16_t> sequences;
};

struct RtcpFeedback {
    bool keyframe_request = false;  // PLI or FIR
    bool malformed = false;         // a length field pointed past the buffer
    std::vector<NackRequest> nacks;
};

// A hostile NACK could ask for 17 packets per 4-byte FCI entry; answers are
// capped per compound packet.
inline constexpr size_t kMaxNackedPerPacket = 256;

RtcpFeedback parse_rtcp_feedback(std::span<const uint8_t> compound);

}  // namespace swiftcall::media
