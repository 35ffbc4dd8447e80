// What the kernel data plane needs to know about one PeerConnection, in plain
// C++ types: read from Janus's internals by janus_bridge.h, consumed by the
// mirror and by tests without any Janus, libnice or OpenSSL header.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "srtp_profile.h"

namespace swiftcall::janus {

// An IP endpoint; addr holds 4 bytes (AF_INET) or 16 (AF_INET6) in network order.
struct Endpoint {
    int family = 0;  // AF_INET, AF_INET6, or 0 when unknown
    std::array<std::uint8_t, 16> addr{};
    std::uint16_t port = 0;  // host order

    std::string to_string() const;  // "127.0.0.2:40000", "[::1]:40000"
    bool operator==(const Endpoint&) const = default;
};

// The candidate pair libnice selected for the PeerConnection's one
// (bundled, rtcp-mux) component.
struct SelectedPair {
    Endpoint local_base;  // the socket Janus sends from (host address of the pair)
    Endpoint local;       // the local candidate as the peer sees it (srflx/relay address)
    Endpoint remote;      // where Janus sends to
    std::string local_type, remote_type;  // "host", "srflx", "prflx", "relay"
    bool udp = true;
    bool operator==(const SelectedPair&) const = default;
};

struct LegTransport {
    std::uint64_t handle_id = 0;
    // Monotonic times (µs) Janus stamped on this PeerConnection: a new agent
    // or a new DTLS session means new keys even if the addresses repeat.
    std::int64_t agent_created_us = 0;
    std::int64_t dtls_connected_us = 0;

    SelectedPair pair;

    SrtpProfile profile = SrtpProfile::aes128_cm_sha1_80;
    bool dtls_client = false;  // Janus's DTLS role (decides the RFC 5764 key split)
    // SRTP master key and salt for what WE send (local) and what WE receive (remote).
    std::vector<std::uint8_t> local_key, local_salt, remote_key, remote_salt;

    struct Medium {
        int mindex = -1;
        std::string mid;
        bool video = false;  // audio otherwise; data channels are not listed
        bool send = false, recv = false;
        std::uint32_t local_ssrc = 0, local_rtx_ssrc = 0;
        // Peer SSRCs; [1] and [2] are non-zero only when the peer simulcasts.
        std::array<std::uint32_t, 3> remote_ssrc{}, remote_rtx_ssrc{};
        // Last payload types Janus saw on this medium (-1 before the first packet).
        int payload_type = -1, rtx_payload_type = -1;
        std::string codec;
    };
    std::vector<Medium> media;  // ordered by mindex

    // Negotiated RTP header extensions, URI -> id (one id space per bundle).
    std::map<std::string, int> extension_ids;
};

}  // namespace swiftcall::janus
