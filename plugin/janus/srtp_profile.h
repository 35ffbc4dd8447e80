// The four DTLS-SRTP protection profiles Debian's Janus offers
// (dtls.c use_srtp list, HAVE_SRTP_AESGCM), and their master key/salt sizes.
// Pure: no OpenSSL or Janus types, so tests and the kernel mirror share it.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace swiftcall::janus {

enum class SrtpProfile {
    aes128_cm_sha1_80,
    aes128_cm_sha1_32,
    aead_aes_128_gcm,
    aead_aes_256_gcm,
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

// RFC 3711 (CM: 128-bit key, 112-bit salt) and RFC 7714 §12 (GCM: 96-bit salt).
SrtpMasterLengths srtp_master_lengths(SrtpProfile profile);

}  // namespace swiftcall::janus
