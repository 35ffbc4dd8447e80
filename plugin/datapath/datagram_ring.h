// Which slots of the transmitter's ring (sc_tx_ring, bpf/swiftcall_abi.h) a
// batch of sealed legs is written into.
//
// Several publisher media threads seal at once, each into its own batch of
// consecutive slots (wrapping at the end), and each sends its batch with one
// BPF_PROG_RUN that names the batch itself, so the ring needs no lock and the
// program no shared cursor. A claimed slot stays the claimer's until it
// releases the batch after the run: a claim that would overlap one still in
// use fails (the ring is full), and the caller counts those legs as dropped
// — a NACK repairs them like network loss — instead of overwriting a frame
// another thread has not sent yet.
//
// Pure: indices only, no libbpf (tests/unit/test_datagram_ring.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace swiftcall::datapath {

struct RingBatch {
    uint32_t first = 0;  // slot of leg 0
    uint32_t count = 0;  // legs; leg k is in slot (first + k) % capacity
};

class DatagramRing {
  public:
    // Throws std::invalid_argument for 0 slots.
    explicit DatagramRing(uint32_t slots);

    uint32_t capacity() const { return capacity_; }
    uint32_t slot(const RingBatch& batch, uint32_t k) const {
        uint32_t i = batch.first + k;
        return i >= capacity_ ? i - capacity_ : i;
    }

    // Claims `count` consecutive slots; nullopt when count exceeds the ring
    // or any of those slots is still claimed (nothing is claimed then).
    std::optional<RingBatch> claim(uint32_t count);
    void release(const RingBatch& batch);

  private:
    uint32_t capacity_;
    std::atomic<uint64_t> head_{0};
    std::unique_ptr<std::atomic<bool>[]> claimed_;
};

}  // namespace swiftcall::datapath
