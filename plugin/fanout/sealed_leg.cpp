#include "fanout/sealed_leg.h"

#include <cstring>
#include <thread>

#include "datapath/clone_builder.h"

namespace swiftcall::fanout {
namespace {

constexpr uint64_t kIndexMask = (uint64_t{1} << 48) - 1;

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

SealedLeg::SealedLeg(uint32_t id, const datapath::LegParams& params)
    : id_(id), params_(params), path_(frame_path(params)), sealer_(params.out) {}

bool SealedLeg::fill(sc_tx_slot& slot, std::span<const uint8_t> wire_rtp, uint64_t in_index) {
    const size_t headers = datapath::udp_frame_headers(path_.family);
    auto rtp = datapath::rewrite_for_leg(wire_rtp, in_index, params_);
    if (!headers || !rtp || headers + rtp->size() + sealer_.tag_len() > SC_TX_SLOT_DATA)
        return false;
    std::span<uint8_t> frame(slot.data, SC_TX_SLOT_DATA);
    std::span<uint8_t> payload = frame.subspan(headers);
    std::memcpy(payload.data(), rtp->data(), rtp->size());
    const uint64_t out_index = (in_index + params_.index_delta) & kIndexMask;
    const size_t sealed =
        sealer_.seal(std::span<const uint8_t>(payload.data(), rtp->size()), out_index, payload);
    if (!sealed) return false;
    slot.len = static_cast<uint32_t>(datapath::write_udp_frame(path_, frame, sealed));
    slot.ifindex = params_.ifindex;
    slot.leg_id = id_;
    if (!slot.len) return false;
    uint64_t expected = 0;
    first_in_.compare_exchange_strong(expected, in_index + 1, std::memory_order_relaxed);
    last_in_.store(in_index + 1, std::memory_order_relaxed);
    return true;
}

void SealedLeg::record(uint32_t result, uint32_t frame_len) {
    if (result < SC_TX_RESULT_MAX) results_[result].fetch_add(1, std::memory_order_relaxed);
    if (result == SC_TX_SENT) {
        packets_.fetch_add(1, std::memory_order_relaxed);
        // SRTP bytes, as the ingress program counts (the Sender Reports' octets).
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
