// A publisher packet as one subscriber leg gets it: relabelled for the leg
// (rewrite_for_leg, label_for_leg), and SRTP-protected with libsrtp2
// (protect_for_leg).
//
// Why libsrtp here: a subscriber NACKs a packet the sealed transmitter sent.
// Without an RTX stream (RFC 4588) the answer is the packet again under its
// own sequence number, so under the same SRTP index, and then it must be the
// sealed packet byte for byte: AES-CM would reuse its keystream over other
// bytes, and AES-GCM would reuse a nonce with another AAD/payload, which
// gives the GHASH key away (RFC 7714, security considerations). SealedLeg
// seals with the same rewrite (rewrite_in_place) and the tests compare its
// output with protect_for_leg for every profile (tests/bpf/
// test_sealed_sender.cpp), so libsrtp is the oracle for both.
//
// Transport fields of the leg (ifindex, MACs, tuple, TTL) play no part: they
// do not change the SRTP bytes.
//
// Thread-safe: no state is shared between calls. libsrtp2 must have been
// initialised by the process (Janus calls srtp_init at start-up); this file
// never calls it, since a second srtp_init fails in libsrtp 2.5 (its debug
// module is registered twice) and would break whoever calls it next.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "datapath/leg_params.h"

namespace swiftcall::datapath {

// The plaintext RTP packet a leg seals: PT (if the leg
// rewrites it, marker kept), sequence number = low 16 bits of the out index
// (in_index + leg.index_delta mod 2^48), timestamp + leg.ts_delta, SSRC =
// leg.ssrc, RFC 8285 extension ids through leg.ext_map (unmapped elements
// zeroed to padding, lengths kept). CSRCs, padding and payload are copied.
// nullopt for a packet a sealed leg leaves to Janus (not RTP version 2, an
// RTCP payload type, CSRC/extension/padding past the end, a padding count of
// 0, an extension block over SC_MAX_EXT_BYTES, more than SC_MAX_SRTP - 4
// bytes, so that the sealed packet with a 16-byte tag fits SC_MAX_SRTP + 12).
std::optional<std::vector<uint8_t>> rewrite_for_leg(std::span<const uint8_t> plaintext_rtp,
                                                    uint64_t in_index, const LegParams& leg);

// rewrite_for_leg without the copy: rewrites `rtp` where it lies (false,
// and `rtp` partly written, where rewrite_for_leg returns nullopt).
bool rewrite_in_place(std::span<uint8_t> rtp, uint64_t in_index, const LegParams& leg);

// The leg's own labels on a packet the fan-out already numbered for it (a
// simulcast leg: its sequence, timestamp and VP8 fields come from its
// rewriter, not from a delta): PT, SSRC and extension ids as rewrite_for_leg
// writes them. false for what rewrite_for_leg declines.
bool label_for_leg(std::span<uint8_t> rtp, const LegParams& leg);

// rewrite_for_leg, then SRTP-protected with leg.out at the out index (libsrtp2;
// every SC_PROFILE_*): header, encrypted payload, tag. nullopt if
// rewrite_for_leg declines, for a profile or key the sealer could not use,
// or if libsrtp fails (e.g. not initialised).
std::optional<std::vector<uint8_t>> protect_for_leg(std::span<const uint8_t> plaintext_rtp,
                                                    uint64_t in_index, const LegParams& leg);

}  // namespace swiftcall::datapath
