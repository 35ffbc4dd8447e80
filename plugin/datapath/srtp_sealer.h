// The sealer: SRTP protection of one leg's packets in user space, with the
// CPU's AES and carry-less-multiply instructions (OpenSSL 3 EVP), for the
// sealed fan-out (DESIGN.md §1). BPF bytecode has none of them, which is why
// per-leg crypto in the TC program costs 2.4–4 µs per 1100 B packet.
//
// One SrtpSealer per leg and direction, keyed once: the session keys are
// derived at construction (RFC 3711 §4.3, RFC 7714 §11) and the cipher and
// MAC contexts keep their key schedule, so a packet costs an IV reset, the
// cipher pass and the tag: no cipher fetch, no key expansion per packet.
//
// The index is the caller's: the plugin owns each leg's 48-bit SRTP index
// (ROC << 16 | sequence number), so sealing the same plaintext at the same
// index gives the same bytes. That is what a NACK answer needs (the datagram
// again, byte for byte: AES-CM must not reuse a keystream over other bytes,
// and GCM must not reuse a nonce with another payload). The output is
// byte-identical to libsrtp2's srtp_protect at that index (tests/unit/
// test_srtp_sealer.cpp checks all four profiles, across ROC wrap).
//
// Not thread-safe: one thread seals for a given leg at a time (its
// publisher's media thread). No libbpf and no Janus types here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "datapath/srtp_keys.h"

namespace swiftcall::datapath {

class SrtpSealer {
  public:
    // Throws std::invalid_argument for a profile or key/salt size the
    // profile does not have, std::runtime_error if OpenSSL fails to key.
    explicit SrtpSealer(const SrtpMaster& master);
    ~SrtpSealer();
    SrtpSealer(SrtpSealer&&) noexcept;
    SrtpSealer& operator=(SrtpSealer&&) noexcept;
    SrtpSealer(const SrtpSealer&) = delete;
    SrtpSealer& operator=(const SrtpSealer&) = delete;

    uint16_t profile() const;
    // Bytes the sealed packet has beyond its plaintext: the tag.
    size_t tag_len() const;

    // Seals the plaintext RTP packet `rtp` at SRTP index `index` (its low 16
    // bits must be the packet's sequence number) into `out`: header as is,
    // payload encrypted, tag appended. Returns the bytes written
    // (rtp.size() + tag_len()), or 0 when it cannot seal: a packet
    // media::RtpPacketView::parse refuses, a sequence number that is
    // not the index's, an index over 48 bits, `out` too small, or an
    // OpenSSL failure. `out` may not overlap `rtp` except exactly (in place).
    size_t seal(std::span<const uint8_t> rtp, uint64_t index, std::span<uint8_t> out);

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace swiftcall::datapath
