// A validated, read-only view of one RTP packet (RFC 3550 §5.1, RFC 8285).
// parse() rejects anything whose header fields point past the buffer, so the
// forwarders never read outside a packet however hostile the sender.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace swiftcall::media {

struct RtpPacketView {
    uint8_t payload_type = 0;
    bool marker = false;
    uint16_t sequence = 0;
    uint32_t timestamp = 0;
    uint32_t ssrc = 0;
    size_t header_size = 0;         // fixed header + CSRCs + extension block
    size_t payload_size = 0;        // excludes padding
    size_t extension_offset = 0;    // start of extension elements, 0 if none
    size_t extension_size = 0;      // bytes of extension elements
    uint16_t extension_profile = 0; // 0xBEDE one-byte, 0x100x two-byte

    static std::optional<RtpPacketView> parse(std::span<const uint8_t> packet);

    // Value of the header extension element with this id, if present.
    std::optional<std::span<const uint8_t>> extension(std::span<const uint8_t> packet,
                                                      int id) const;
};

// RTCP shares the port under rtcp-mux: RFC 5761 §4 uses the payload type byte.
bool looks_like_rtcp(std::span<const uint8_t> packet);

inline uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t read_u32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
           static_cast<uint32_t>(p[2]) << 8 | p[3];
}
inline void write_u16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}
inline void write_u32(uint8_t* p, uint32_t v) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

}  // namespace swiftcall::media
