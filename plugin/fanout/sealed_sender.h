// SealedSender: the fan-out's last step for legs the sealed transmitter
// serves (DESIGN §1). Per publisher packet, on its media thread: claim ring
// slots, let each leg seal its frame into one (SealedLeg::fill), then send
// the whole batch with one transmit run (datapath::Transmitter) and book
// each slot's result against its leg.
//
// Nothing here blocks or takes a lock: the batch lives in thread-local
// state, the ring's claims are atomics, and the run names its own slots.
#pragma once

#include <array>
#include <atomic>
#include <memory>

#include "api/json.h"
#include "datapath/transmitter.h"
#include "fanout/sealed_leg.h"
#include "fanout/sealed_leg_sender.h"

namespace swiftcall::fanout {

class SealedSender : public SealedLegSender {
  public:
    explicit SealedSender(std::unique_ptr<datapath::Transmitter> transmitter);

    void begin(size_t legs) override;
    bool add(const std::shared_ptr<SealedLeg>& leg, std::span<const uint8_t> publisher_rtp,
             uint64_t in_index) override;
    bool add_rewritten(const std::shared_ptr<SealedLeg>& leg, std::span<const uint8_t> rtp,
                       uint64_t out_index) override;
    void flush() override;

    // Admin "datapath" view: the ring, the runs, the program's counters.
    api::Json describe() const override;

  private:
    void claim(size_t legs);
    // One leg's frame into the batch's next slot: fill(slot) seals it there,
    // fill(nullptr) when the ring is full. Returns as add() does.
    template <typename Fill>
    bool take(const std::shared_ptr<SealedLeg>& leg, Fill&& fill);

    std::unique_ptr<datapath::Transmitter> tx_;
    std::atomic<uint64_t> runs_{0}, run_errors_{0}, ring_full_{0};
};

}  // namespace swiftcall::fanout
