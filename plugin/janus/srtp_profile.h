// The four DTLS-SRTP protection profiles Debian's Janus offers
// (dtls.c use_srtp list, HAVE_SRTP_AESGCM), and their master key/salt sizes.
// Ids, names and sizes come from SC_SRTP_PROFILES (bpf/swiftcall_abi.h).
// Pure: no OpenSSL or Janus types, so tests and the kernel mirror share it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "swiftcall_abi.h"

namespace swiftcall::janus {

// Valued by DTLS-SRTP id, so a row of SC_SRTP_PROFILES names its profile.
enum class SrtpProfile : unsigned {
    aes128_cm_sha1_80 = SC_PROFILE_AES128_CM_SHA1_80,
    aes128_cm_sha1_32 = SC_PROFILE_AES128_CM_SHA1_32,
    aead_aes_128_gcm = SC_PROFILE_AEAD_AES_128_GCM,
    aead_aes_256_gcm = SC_PROFILE_AEAD_AES_256_GCM,
};

struct SrtpMasterLengths {
    std::size_t key;
    std::size_t salt;
};

// OpenSSL's profile names ("SRTP_AES128_CM_SHA1_80", ...), as Janus logs them.
std::optional<SrtpProfile> srtp_profile_from_name(std::string_view openssl_name);
std::string_view srtp_profile_name(SrtpProfile profile);

// DTLS-SRTP protection profile identifiers (RFC 5764 §4.1.2, RFC 7714 §14.2).
std::optional<SrtpProfile> srtp_profile_from_id(unsigned long id);
unsigned long srtp_profile_id(SrtpProfile profile);

SrtpMasterLengths srtp_master_lengths(SrtpProfile profile);

}  // namespace swiftcall::janus
