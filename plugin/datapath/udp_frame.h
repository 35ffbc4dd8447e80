// The L2-L4 frame around one sealed leg: Ethernet, IPv4 or IPv6, UDP, as the
// transmitter sends it (bpf/swiftcall_tx.bpf.c sends bytes, it writes no
// header). The sealer writes the SRTP packet at udp_frame_headers(family)
// into the frame, then write_udp_frame puts the headers in front, so the
// payload is never copied.
//
// Pure: no libbpf, no Janus. Checksums: the IPv4 header checksum always; the
// UDP checksum is 0 over IPv4 (allowed by RFC 768; it skips a pass over the
// payload per leg, and SRTP authenticates the payload anyway) and computed
// over IPv6, where RFC 8200 §8.1 requires it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "swiftcall_abi.h"

namespace swiftcall::datapath {

struct UdpFramePath {
    uint8_t family = SC_AF_INET;  // SC_AF_INET / SC_AF_INET6
    uint8_t ttl = 64;             // IPv4 TTL / IPv6 hop limit
    std::array<uint8_t, 6> smac{};
    std::array<uint8_t, 6> dmac{};
    std::array<uint8_t, 16> saddr{};  // network order; IPv4 in the first 4 bytes
    std::array<uint8_t, 16> daddr{};
    uint16_t sport = 0;  // host order
    uint16_t dport = 0;
};

// Header bytes in front of the UDP payload: 42 (IPv4) or 62 (IPv6), 0 for
// an unknown family.
size_t udp_frame_headers(uint8_t family);

// Writes the headers into frame[0, udp_frame_headers) for the payload of
// payload_len bytes already at frame[udp_frame_headers, +payload_len).
// Returns the frame's length, or 0 when the family is unknown, the frame is
// too small for headers + payload, or the payload is too long for a UDP
// length field.
size_t write_udp_frame(const UdpFramePath& path, std::span<uint8_t> frame, size_t payload_len);

}  // namespace swiftcall::datapath
