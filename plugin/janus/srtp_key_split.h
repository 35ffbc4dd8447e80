// RFC 5764 §4.2: the DTLS exporter ("EXTRACTOR-dtls_srtp") yields
//   client_write_SRTP_master_key | server_write_SRTP_master_key |
//   client_write_SRTP_master_salt | server_write_SRTP_master_salt
// and each side sends with its own "write" half. Pure, unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "srtp_profile.h"

namespace swiftcall::janus {

enum class DtlsRole { client, server };

// "local" is what WE (Janus) encrypt with; "remote" is what the peer
// encrypts with and we decrypt.
struct SrtpMasterKeys {
    std::vector<std::uint8_t> local_key, local_salt;
    std::vector<std::uint8_t> remote_key, remote_salt;
};

// Bytes to ask the exporter for: 2 * (key + salt).
std::size_t srtp_keying_material_length(SrtpProfile profile);

// Fails (nullopt, reason in why_not) when the material has the wrong length.
std::optional<SrtpMasterKeys> split_srtp_keying_material(SrtpProfile profile,
                                                         std::span<const std::uint8_t> material,
                                                         DtlsRole our_role,
                                                         std::string* why_not = nullptr);

}  // namespace swiftcall::janus
