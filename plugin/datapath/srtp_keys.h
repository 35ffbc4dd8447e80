// SRTP profiles and master keys, and the SRTP key derivation (RFC 3711
// §4.3, RFC 6188 for AES-256, RFC 7714 §11 for GCM) the sealer keys its
// contexts with, once per leg. No libbpf and no Janus types here.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "swiftcall_abi.h"

namespace swiftcall::datapath {

struct SrtpProfileInfo {
    uint16_t profile;        // SC_PROFILE_*
    size_t master_key_len;   // 16 or 32
    size_t master_salt_len;  // 14 (CM) or 12 (GCM)
    size_t tag_len;          // 10, 4, 16
    bool gcm;
};

// From SC_SRTP_PROFILES. Throws std::invalid_argument for a profile
// SwiftCall does not seal (srtp_profile_known is false).
SrtpProfileInfo srtp_profile_info(uint16_t profile);
bool srtp_profile_known(uint16_t profile);

// Master key and salt as negotiated (e.g. split from DTLS-SRTP keying
// material, RFC 5764 §4.2).
struct SrtpMaster {
    uint16_t profile = SC_PROFILE_AES128_CM_SHA1_80;
    std::vector<uint8_t> key;
    std::vector<uint8_t> salt;
};

// The SRTP PRF: AES-CM keystream keyed by the master key at
// IV = (master_salt XOR label << 48) * 2^16 (key derivation rate 0).
std::vector<uint8_t> srtp_kdf(const SrtpMaster& m, uint8_t label, size_t len);

}  // namespace swiftcall::datapath
