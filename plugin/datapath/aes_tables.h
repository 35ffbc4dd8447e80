// AES T-tables and key expansion shared with the BPF program: the program
// holds no constants, the loader writes these into its read-only data.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace swiftcall::datapath {

struct AesTables {
    std::array<uint32_t, 256> te0, te1, te2, te3, sbox;
};

// The FIPS-197 tables, computed once (GF(2^8) inverse + affine map).
const AesTables& aes_tables();

// FIPS-197 key expansion of a 16- or 32-byte key into big-endian words
// (44 or 60 words); throws std::invalid_argument on any other size.
std::vector<uint32_t> aes_expand_key(std::span<const uint8_t> key);

// One block with the same T-table formulation the BPF program runs; used to
// pin the tables against OpenSSL in tests and to derive GCM's H.
std::array<uint8_t, 16> aes_encrypt_block(const std::vector<uint32_t>& rk,
                                          std::span<const uint8_t, 16> in);

}  // namespace swiftcall::datapath
