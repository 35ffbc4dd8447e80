// The last packets of one stream, by their 48-bit SRTP index: what the
// plugin answers NACKs from for legs the kernel serves (the Janus core's own
// retransmission buffer only holds what it sent itself).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace swiftcall::media {

class PacketHistory {
  public:
    // ~3 s of 1.5 Mbps video: older NACKs are no use to a receiver anyway.
    static constexpr size_t kDefaultCapacity = 512;
    static constexpr size_t kMaxPacket = 1500;

    explicit PacketHistory(size_t capacity = kDefaultCapacity) : slots_(capacity ? capacity : 1) {}

    // Keeps a copy (reusing the slot's storage); oversized packets are not kept.
    void store(uint64_t index, std::span<const uint8_t> packet);
    // Copies the packet with this index into out; false when it is not (or no
    // longer) held.
    bool copy(uint64_t index, std::vector<uint8_t>& out) const;

  private:
    struct Slot {
        bool used = false;
        uint64_t index = 0;
        std::vector<uint8_t> data;
    };
    std::vector<Slot> slots_;
};

}  // namespace swiftcall::media
