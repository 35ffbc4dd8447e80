#include "datapath/datagram_ring.h"

#include <stdexcept>

namespace swiftcall::datapath {

DatagramRing::DatagramRing(uint32_t slots)
    : capacity_(slots), claimed_(std::make_unique<std::atomic<bool>[]>(slots)) {
    if (!slots) throw std::invalid_argument("datagram ring: 0 slots");
    for (uint32_t i = 0; i < slots; ++i) claimed_[i].store(false, std::memory_order_relaxed);
}

std::optional<RingBatch> DatagramRing::claim(uint32_t count) {
    if (count > capacity_) return std::nullopt;
    RingBatch b{
        static_cast<uint32_t>(head_.fetch_add(count, std::memory_order_relaxed) % capacity_),
        count};
    for (uint32_t k = 0; k < count; ++k) {
        // acquire: the releasing thread's run (and its reads of the slot)
        // happened before we write the slot again.
        if (claimed_[slot(b, k)].exchange(true, std::memory_order_acquire)) {
            release(RingBatch{b.first, k});
            return std::nullopt;
        }
    }
    return b;
}

void DatagramRing::release(const RingBatch& batch) {
    for (uint32_t k = 0; k < batch.count; ++k)
        claimed_[slot(batch, k)].store(false, std::memory_order_release);
}

}  // namespace swiftcall::datapath
