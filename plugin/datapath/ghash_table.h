// GHASH (GCM, NIST SP 800-38D) precomputation for the BPF program: Shoup's
// 8-bit tables, so the program does 16 table steps per 16-byte block.
#pragma once

#include <linux/types.h>

#include <array>
#include <cstdint>

namespace swiftcall::datapath {

// table[0][b] = (b in the first byte) * H and table[1][b] = (b in the
// first byte) * H^2, as big-endian {high, low} halves.
void fill_ghash_table(const std::array<uint8_t, 16>& h, __u64 table[2][256][2]);

// Reduction of the 8 bits shifted out by one multiplication by x^8, as the
// value XORed into the high half. Key-independent: loaded into .rodata.
const std::array<uint64_t, 256>& ghash_reduction_table();

}  // namespace swiftcall::datapath
