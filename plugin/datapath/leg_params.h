// What one subscriber leg of the sealed fan-out is: where its datagrams go
// (interface, MACs, 5-tuple) and how its packets are labelled and keyed
// (SSRC, index and timestamp offsets, payload type, extension ids, the
// subscriber's SRTP master). The kernel mirror fills it from the
// subscriber's ICE pair and DTLS keys; SealedLeg, the rewrite and the NACK
// rebuild read it. No Janus, GLib or libbpf types: unit tests build it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "datapath/srtp_keys.h"
#include "swiftcall_abi.h"

namespace swiftcall::datapath {

// A UDP 5-tuple. Addresses in network order (4 bytes used for IPv4), ports
// in host order.
struct UdpTuple {
    uint8_t family = SC_AF_INET;
    std::array<uint8_t, 16> saddr{};
    std::array<uint8_t, 16> daddr{};
    uint16_t sport = 0;
    uint16_t dport = 0;
};

struct LegParams {
    uint32_t ifindex = 0;           // egress interface of the leg's datagrams
    std::array<uint8_t, 6> smac{};  // their Ethernet source/destination
    std::array<uint8_t, 6> dmac{};
    UdpTuple tuple;  // Janus's ICE base -> the subscriber
    uint8_t ttl = 64;
    uint32_t ssrc = 0;                    // subscriber-facing SSRC
    uint64_t index_delta = 0;             // out SRTP index = in index + delta (mod 2^48)
    uint32_t ts_delta = 0;                // out timestamp = in timestamp + delta
    std::optional<uint8_t> payload_type;  // subscriber PT (0..127); none keeps the publisher's
    std::array<uint8_t, SC_EXT_IDS> ext_map{};  // in ext id -> out id, 0 = blank
    SrtpMaster out;                             // the subscriber's outbound master key/salt
};

// What a leg sent: packets and SRTP bytes, packets it took but could not
// send, and the publisher in-index of the first and last packet it took.
struct LegCounters {
    uint64_t packets = 0, bytes = 0, errors = 0;
    std::optional<uint64_t> first_in_index, last_in_index;
};

}  // namespace swiftcall::datapath
