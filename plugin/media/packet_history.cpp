#include "media/packet_history.h"

namespace swiftcall::media {

void PacketHistory::store(uint64_t index, std::span<const uint8_t> packet) {
    if (packet.size() > kMaxPacket) return;
    Slot& slot = slots_[index % slots_.size()];
    slot.used = true;
    slot.index = index;
    slot.data.assign(packet.begin(), packet.end());
}

bool PacketHistory::copy(uint64_t index, std::vector<uint8_t>& out) const {
    const Slot& slot = slots_[index % slots_.size()];
    // A slot reused by a newer index no longer holds this one.
    if (!slot.used || slot.index != index) return false;
    out = slot.data;
    return true;
}

}  // namespace swiftcall::media
