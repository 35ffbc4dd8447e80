#include "fanout/sealed_sender.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace swiftcall::fanout {
namespace {

// The calling thread's batch for the publisher packet being fanned out.
struct ThreadBatch {
    std::optional<datapath::RingBatch> claimed;
    uint32_t used = 0;
    size_t legs_left = 0;                          // add() calls still expected (begin's bound)
    std::vector<std::shared_ptr<SealedLeg>> legs;  // leg of slot k
};
thread_local ThreadBatch batch;

}  // namespace

SealedSender::SealedSender(std::unique_ptr<datapath::Transmitter> transmitter)
    : tx_(std::move(transmitter)) {}

void SealedSender::begin(size_t legs) {
    // A batch left open (no flush) would hold its slots for ever: send it.
    if (batch.claimed) flush();
    batch.claimed.reset();
    batch.used = 0;
    batch.legs.clear();
    batch.legs_left = legs;
}

void SealedSender::claim(size_t legs) {
    const uint32_t want = static_cast<uint32_t>(
        std::clamp<size_t>(legs, 1, std::min<size_t>(SC_TX_MAX_BATCH, tx_->capacity())));
    batch.claimed = tx_->ring().claim(want);
    batch.used = 0;
}

bool SealedSender::add(const std::shared_ptr<SealedLeg>& leg,
                       std::span<const uint8_t> publisher_rtp, uint64_t in_index) {
    // A delta leg's lost packet is rebuilt from the publisher's history.
    return take(
        leg, [&](sc_tx_slot* slot) { return !slot || leg->fill(*slot, publisher_rtp, in_index); });
}

bool SealedSender::add_rewritten(const std::shared_ptr<SealedLeg>& leg,
                                 std::span<const uint8_t> rtp, uint64_t out_index) {
    // A rewritten leg seals even a packet it cannot send: its NACK answer.
    return take(leg, [&](sc_tx_slot* slot) { return leg->fill_rewritten(slot, rtp, out_index); });
}

template <typename Fill>
bool SealedSender::take(const std::shared_ptr<SealedLeg>& leg, Fill&& fill) {
    if (batch.legs_left) batch.legs_left--;
    if (batch.claimed && batch.used == batch.claimed->count) flush();
    if (!batch.claimed) claim(batch.legs_left + 1);
    if (!batch.claimed) {
        // Every slot is in flight on other threads: the packet is lost for
        // this leg like on a congested link (counted; NACK repairs it).
        if (!fill(nullptr)) return false;
        ring_full_.fetch_add(1, std::memory_order_relaxed);
        leg->record_drop();
        return true;
    }
    sc_tx_slot& slot = tx_->slot(tx_->ring().slot(*batch.claimed, batch.used));
    if (!fill(&slot)) return false;
    leg->in_flight.fetch_add(1, std::memory_order_acq_rel);
    batch.legs.push_back(leg);
    batch.used++;
    return true;
}

void SealedSender::flush() {
    if (!batch.claimed) return;
    const datapath::RingBatch claimed = *batch.claimed;
    const datapath::RingBatch run{claimed.first, batch.used};
    // A leg removed since it sealed (its subscriber left): the program drops
    // the slot (frame_length) instead of sending it. Its remover waits for
    // in_flight to reach 0 before Janus frees the PeerConnection.
    for (uint32_t k = 0; k < run.count; ++k)
        if (batch.legs[k]->removed.load(std::memory_order_acquire))
            tx_->slot(tx_->ring().slot(run, k)).len = 0;
    if (run.count) {
        const datapath::TransmitResult r = tx_->transmit(run);
        runs_.fetch_add(1, std::memory_order_relaxed);
        if (!r.error.empty()) run_errors_.fetch_add(1, std::memory_order_relaxed);
        for (uint32_t k = 0; k < run.count; ++k) {
            const sc_tx_slot& slot = tx_->slot(tx_->ring().slot(run, k));
            if (slot.result == SC_TX_RESULT_PENDING)
                batch.legs[k]->record_drop();
            else
                batch.legs[k]->record(slot.result, slot.len);
            batch.legs[k]->in_flight.fetch_sub(1, std::memory_order_acq_rel);
        }
    }
    tx_->ring().release(claimed);
    batch.claimed.reset();
    batch.used = 0;
    batch.legs.clear();
}

api::Json SealedSender::describe() const {
    api::Json info = api::Json::object();
    info.set("ring_slots", static_cast<uint64_t>(tx_->capacity()));
    info.set("runs", runs_.load()).set("run_errors", run_errors_.load());
    info.set("ring_full", ring_full_.load());
    api::Json results = api::Json::object();
    const auto counters = tx_->counters();
    for (uint32_t r = 0; r < SC_TX_RESULT_MAX; ++r)
        results.set(datapath::Transmitter::result_name(r), static_cast<uint64_t>(counters[r]));
    info.set("results", results);
    return info;
}

}  // namespace swiftcall::fanout
