// H.264 RTP payloads (RFC 6184): only what switching needs, i.e. whether a
// packet starts an IDR picture (or carries the SPS that precedes one).
#pragma once

#include <cstdint>
#include <span>

namespace swiftcall::media {

bool h264_is_keyframe(std::span<const uint8_t> payload);

}  // namespace swiftcall::media
