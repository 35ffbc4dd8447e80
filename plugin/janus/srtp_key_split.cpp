#include "srtp_key_split.h"

namespace swiftcall::janus {

std::size_t srtp_keying_material_length(SrtpProfile profile) {
    const auto len = srtp_master_lengths(profile);
    return 2 * (len.key + len.salt);
}

std::optional<SrtpMasterKeys> split_srtp_keying_material(SrtpProfile profile,
                                                         std::span<const std::uint8_t> material,
                                                         DtlsRole our_role, std::string* why_not) {
    const auto len = srtp_master_lengths(profile);
    if (material.size() != srtp_keying_material_length(profile)) {
        if (why_not) {
            *why_not = "keying material is " + std::to_string(material.size()) + " bytes, " +
                       std::string(srtp_profile_name(profile)) + " needs " +
                       std::to_string(srtp_keying_material_length(profile));
        }
        return std::nullopt;
    }
    auto slice = [&](std::size_t offset, std::size_t n) {
        auto part = material.subspan(offset, n);
        return std::vector<std::uint8_t>(part.begin(), part.end());
    };
    auto client_key = slice(0, len.key);
    auto server_key = slice(len.key, len.key);
    auto client_salt = slice(2 * len.key, len.salt);
    auto server_salt = slice(2 * len.key + len.salt, len.salt);

    SrtpMasterKeys keys;
    if (our_role == DtlsRole::client) {
        keys.local_key = std::move(client_key);
        keys.local_salt = std::move(client_salt);
        keys.remote_key = std::move(server_key);
        keys.remote_salt = std::move(server_salt);
    } else {
        keys.local_key = std::move(server_key);
        keys.local_salt = std::move(server_salt);
        keys.remote_key = std::move(client_key);
        keys.remote_salt = std::move(client_salt);
    }
    return keys;
}

}  // namespace swiftcall::janus
