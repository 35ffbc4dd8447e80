// One subscriber leg served by the sealed transmitter: what the leg's frame
// is made of (LegParams), its SRTP sender context keyed once, and its
// counters.
//
// Three numberings. A delta leg (one SSRC in, one out) seals at out index =
// in index + index_delta, and its NACK answers are rebuilt from the
// publisher stream's history. A rewritten leg (simulcast: its rewriter picks
// packets from three SSRCs and renumbers them) gets each packet already
// numbered by the fan-out, so no delta maps it back; it keeps its own
// sealed packets (kSentHistory of them) to answer NACKs with the same bytes.
// A forwarded leg (an RTP forwarder: no ICE, no RTCP feedback) gets each
// packet numbered and labelled by the fan-out and keeps nothing. A leg whose
// profile is SC_PROFILE_NONE sends plain RTP (a forwarder without SRTP).
//
// fill() runs on the publisher's media thread only (one thread per
// publisher stream: the sealer is not thread-safe); the counters are atomics
// the control thread reads. Invariant 2 (DESIGN §4): the leg seals at out
// index = in index + index_delta, the plugin's one numbering of the leg, so
// a NACK answer rebuilt by datapath::protect_for_leg at that index is the same
// datagram byte for byte.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "datapath/leg_params.h"
#include "datapath/srtp_sealer.h"
#include "datapath/udp_frame.h"
#include "media/packet_history.h"
#include "swiftcall_abi.h"

namespace swiftcall::fanout {

class SealedLeg {
  public:
    enum class Numbering { delta, rewritten, forwarded };
    // ~0.5 s of simulcast video at its top layer; 128 x 1.5 KB a leg at most.
    static constexpr size_t kSentHistory = 128;

    // Throws std::invalid_argument for a profile or key the sealer lacks.
    SealedLeg(uint32_t id, const datapath::LegParams& params,
              Numbering numbering = Numbering::delta);

    uint32_t id() const { return id_; }
    const datapath::LegParams& params() const { return params_; }
    Numbering numbering() const { return numbering_; }

    // Writes the leg's whole frame for `publisher_rtp` at publisher index
    // `in_index` into `slot`. false when the leg's rewrite declines the
    // packet (datapath::rewrite_for_leg) or it would not fit the slot.
    bool fill(sc_tx_slot& slot, std::span<const uint8_t> publisher_rtp, uint64_t in_index);

    // A rewritten or forwarded leg: `rtp` is the leg's packet as the fan-out numbered it
    // (what relay_rtp would get), sealed at `out_index` (48 bits) and kept
    // for NACKs. slot nullptr: no slot to send it in (a full ring), kept for
    // the NACK that repairs the loss. false as fill().
    bool fill_rewritten(sc_tx_slot* slot, std::span<const uint8_t> rtp, uint64_t out_index);
    // The SRTP packet a rewritten leg sealed at out_index, if still kept.
    std::optional<std::vector<uint8_t>> sent_packet(uint64_t out_index) const;

    // After the transmit run: what happened to one of this leg's frames.
    void record(uint32_t result, uint32_t frame_len);
    // A packet the leg took but could not send (full ring, failed run).
    void record_drop() { errors_.fetch_add(1, std::memory_order_relaxed); }

    // Packets and bytes sent, errors, publisher index of the first and last
    // packet taken.
    datapath::LegCounters counters() const;
    uint64_t result_count(uint32_t result) const;

    // Batches holding one of this leg's frames and not yet sent: a departed
    // subscriber waits for 0 (wait_idle) before Janus frees its
    // PeerConnection, so no frame reaches it afterwards.
    std::atomic<uint32_t> in_flight{0};
    std::atomic<bool> removed{false};
    void wait_idle() const;

  private:
    bool frame(sc_tx_slot& slot, size_t sealed);
    template <typename Relabel>
    size_t seal_into(std::span<uint8_t> payload, std::span<const uint8_t> rtp, uint64_t out_index,
                     Relabel&& relabel);

    const uint32_t id_;
    const datapath::LegParams params_;
    const Numbering numbering_;
    // Rewritten legs: written on the media thread, read by NACK answers.
    mutable std::mutex sent_lock_;
    std::unique_ptr<media::PacketHistory> sent_;
    datapath::UdpFramePath path_;
    std::optional<datapath::SrtpSealer> sealer_;  // none: plain RTP
    std::atomic<uint64_t> packets_{0}, bytes_{0}, errors_{0};
    std::atomic<uint64_t> first_in_{0}, last_in_{0};  // index + 1, 0: none
    std::atomic<uint64_t> results_[SC_TX_RESULT_MAX] = {};
};

}  // namespace swiftcall::fanout
