#include "fanout/sealed_leg.h"

#include <cstring>
#include <thread>

#include "datapath/leg_rewrite.h"

namespace swiftcall::fanout {
namespace {

datapath::UdpFramePath frame_path(const datapath::LegParams& p) {
    datapath::UdpFramePath f;
    f.family = p.tuple.family;
    f.ttl = p.ttl;
    f.smac = p.smac;
    f.dmac = p.dmac;
    f.saddr = p.tuple.saddr;
    f.daddr = p.tuple.daddr;
    f.sport = p.tuple.sport;
    f.dport = p.tuple.dport;
    return f;
}

}  // namespace

SealedLeg::SealedLeg(uint32_t id, const datapath::LegParams& params, Numbering numbering)
    : id_(id),
      params_(params),
      numbering_(numbering),
      path_(frame_path(params)),
      sealer_(params.out.profile == SC_PROFILE_NONE
                  ? std::nullopt
                  : std::optional<datapath::SrtpSealer>(std::in_place, params.out)) {}

// Frames the `sealed` SRTP bytes lying in the slot after the frame's headers.
bool SealedLeg::frame(sc_tx_slot& slot, size_t sealed) {
    slot.len = static_cast<uint32_t>(
        datapath::write_udp_frame(path_, std::span<uint8_t>(slot.data, SC_TX_SLOT_DATA), sealed));
    slot.ifindex = params_.ifindex;
    slot.leg_id = id_;
    return slot.len != 0;
}

// Copies `rtp` to the front of `payload`, lets `relabel` rewrite it there
// for this leg and seals it in place at `out_index`. The sealed length; 0
// when it would not fit, relabel declines it or the sealer fails.
template <typename Relabel>
size_t SealedLeg::seal_into(std::span<uint8_t> payload, std::span<const uint8_t> rtp,
                            uint64_t out_index, Relabel&& relabel) {
    const size_t tag = sealer_ ? sealer_->tag_len() : 0;
    if (rtp.size() + tag > payload.size()) return 0;
    std::memcpy(payload.data(), rtp.data(), rtp.size());
    if (!relabel(payload.first(rtp.size()))) return 0;
    if (!sealer_) return rtp.size();
    return sealer_->seal(payload.first(rtp.size()), out_index, payload);
}

bool SealedLeg::fill(sc_tx_slot& slot, std::span<const uint8_t> publisher_rtp, uint64_t in_index) {
    const size_t headers = datapath::udp_frame_headers(path_.family);
    if (!headers) return false;
    // Rewritten where it is sealed and sent: no copy but the one into the slot.
    const size_t sealed = seal_into(
        std::span<uint8_t>(slot.data + headers, SC_TX_SLOT_DATA - headers), publisher_rtp,
        (in_index + params_.index_delta) & SC_SRTP_INDEX_MASK,
        [&](std::span<uint8_t> rtp) { return datapath::rewrite_in_place(rtp, in_index, params_); });
    if (!sealed || !frame(slot, sealed)) return false;
    uint64_t expected = 0;
    first_in_.compare_exchange_strong(expected, in_index + 1, std::memory_order_relaxed);
    last_in_.store(in_index + 1, std::memory_order_relaxed);
    return true;
}

bool SealedLeg::fill_rewritten(sc_tx_slot* slot, std::span<const uint8_t> rtp, uint64_t out_index) {
    const size_t headers = datapath::udp_frame_headers(path_.family);
    if (!headers) return false;
    uint8_t unsent[SC_TX_SLOT_DATA];  // no slot: sealed here, only to be kept
    std::span<uint8_t> payload =
        slot ? std::span<uint8_t>(slot->data + headers, SC_TX_SLOT_DATA - headers)
             : std::span<uint8_t>(unsent, SC_TX_SLOT_DATA - headers);
    out_index &= SC_SRTP_INDEX_MASK;
    const bool forwarded = numbering_ == Numbering::forwarded;
    const size_t sealed = seal_into(payload, rtp, out_index, [&](std::span<uint8_t> p) {
        return forwarded || datapath::label_for_leg(p, params_);
    });
    if (!sealed) return false;
    // A forwarder's receiver sends no NACK: nothing to keep.
    if (!forwarded) {
        std::lock_guard guard(sent_lock_);
        if (!sent_) sent_ = std::make_unique<media::PacketHistory>(kSentHistory);
        sent_->store(out_index, payload.first(sealed));
    }
    return !slot || frame(*slot, sealed);
}

std::optional<std::vector<uint8_t>> SealedLeg::sent_packet(uint64_t out_index) const {
    std::vector<uint8_t> packet;
    std::lock_guard guard(sent_lock_);
    if (!sent_ || !sent_->copy(out_index & SC_SRTP_INDEX_MASK, packet)) return std::nullopt;
    return packet;
}

void SealedLeg::record(uint32_t result, uint32_t frame_len) {
    if (result < SC_TX_RESULT_MAX) results_[result].fetch_add(1, std::memory_order_relaxed);
    if (result == SC_TX_SENT) {
        packets_.fetch_add(1, std::memory_order_relaxed);
        // SRTP bytes (what the Sender Reports' octet count adds).
        bytes_.fetch_add(frame_len - datapath::udp_frame_headers(path_.family),
                         std::memory_order_relaxed);
    } else {
        errors_.fetch_add(1, std::memory_order_relaxed);
    }
}

datapath::LegCounters SealedLeg::counters() const {
    datapath::LegCounters c;
    c.packets = packets_.load(std::memory_order_relaxed);
    c.bytes = bytes_.load(std::memory_order_relaxed);
    c.errors = errors_.load(std::memory_order_relaxed);
    if (uint64_t f = first_in_.load(std::memory_order_relaxed)) c.first_in_index = f - 1;
    if (uint64_t l = last_in_.load(std::memory_order_relaxed)) c.last_in_index = l - 1;
    return c;
}

uint64_t SealedLeg::result_count(uint32_t result) const {
    return result < SC_TX_RESULT_MAX ? results_[result].load(std::memory_order_relaxed) : 0;
}

void SealedLeg::wait_idle() const {
    // A batch is sealed and sent within one publisher packet's fan-out
    // (microseconds), and the caller holds no lock the fan-out takes.
    while (in_flight.load(std::memory_order_acquire) != 0) std::this_thread::yield();
}

}  // namespace swiftcall::fanout
