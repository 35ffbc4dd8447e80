// The "sealed" datagrams the bench sends: whole Ethernet + IPv4 + UDP frames
// as the sealer would leave them in the leg array, one destination port per
// leg, and a payload that names (leg, generation) so the receiver can tell a
// stale or mixed-up slot from the right one, byte for byte.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "transmit_bench.h"

namespace txbench {

using Mac = std::array<uint8_t, 6>;

struct Path {
    Mac src_mac{}, dst_mac{};
    uint32_t src_ip = 0, dst_ip = 0;  // host order
    uint16_t src_port = 0;
    uint16_t base_port = 0;  // leg i goes to base_port + i
};

constexpr size_t kHeaders = 14 + 20 + 8;  // Ethernet + IPv4 (no options) + UDP

// The UDP payload of leg `leg`'s datagram of `frame_len` bytes (L2..L4).
std::vector<uint8_t> expected_payload(uint32_t leg, uint32_t gen, size_t frame_len);

// Writes leg `leg`'s whole frame into slot (IPv4 and UDP checksums filled in).
void write_slot(tb_slot& slot, const Path& p, uint32_t leg, uint32_t gen, size_t frame_len);

// The small frame BPF_PROG_RUN starts from: IPv4/UDP so that the kernel's
// eth_type_trans gives skb->protocol = ETH_P_IP, which the clones inherit.
std::vector<uint8_t> template_frame(const Path& p);

}  // namespace txbench
