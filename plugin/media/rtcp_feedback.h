// Reads a subscriber's compound RTCP (RFC 3550 §6.1, RFC 4585 §6) for the
// feedback the SFU acts on. NACKs are answered by the Janus core itself.
#pragma once

#include <cstdint>
#include <span>

namespace swiftcall::media {

struct RtcpFeedback {
    bool keyframe_request = false;  // PLI or FIR
    bool malformed = false;         // a length field pointed past the buffer
};

RtcpFeedback parse_rtcp_feedback(std::span<const uint8_t> compound);

}  // namespace swiftcall::media
