// The clone a leg receives from the TC program, rebuilt in user space.
//
// Why: a subscriber NACKs a packet the kernel forwarded. Without an RTX
// stream (RFC 4588) the answer is the packet again under its own sequence
// number, so under the same SRTP index, and then it must be the kernel's
// packet byte for byte: AES-CM would reuse its keystream over other bytes,
// and AES-GCM would reuse a nonce with another AAD/payload, which gives the
// GHASH key away (RFC 7714, security considerations).
//
// So these functions follow bpf/sc_leg.bpf.h (sc_forward_leg) and the parse
// in bpf/sc_rtp.bpf.h, and decline what the program declines (one size
// caveat, below). Transport fields of the leg (ifindex, MACs, tuple, TTL,
// enabled) play no part: they do not change the SRTP bytes. The tests compare
// every output with the kernel's clone (tests/bpf/test_clone_builder.cpp).
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

#include "datapath/kernel_datapath.h"

namespace swiftcall::datapath {

// The plaintext RTP packet the program encrypts for `leg`: PT (if the leg
// rewrites it, marker kept), sequence number = low 16 bits of the out index
// (in_index + leg.index_delta mod 2^48), timestamp + leg.ts_delta, SSRC =
// leg.ssrc, RFC 8285 extension ids through leg.ext_map (unmapped elements
// zeroed to padding, lengths kept). CSRCs, padding and payload are copied.
// nullopt for a packet the program would not clone (not RTP version 2, an
// RTCP payload type, CSRC/extension/padding past the end, a padding count of
// 0, an extension block over SC_MAX_EXT_BYTES, more than SC_MAX_SRTP - 4
// bytes). The inbound profile is not known here, so a packet the program
// declined only because a longer inbound tag took it past SC_MAX_SRTP is
// still built; the kernel never sent it, so no NACK asks for it.
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
// every SC_PROFILE_* the program implements): header, encrypted payload, tag.
// nullopt if rewrite_for_leg declines, for a profile or key the program
// could not use, or if libsrtp fails (e.g. not initialised).
std::optional<std::vector<uint8_t>> build_clone(std::span<const uint8_t> plaintext_rtp,
                                                uint64_t in_index, const LegParams& leg);

}  // namespace swiftcall::datapath
