#include "srtp_profile.h"

#include <array>

namespace swiftcall::janus {
namespace {

struct ProfileInfo {
    SrtpProfile profile;
    std::string_view name;
    unsigned long id;
    SrtpMasterLengths lengths;
};

constexpr std::array<ProfileInfo, 4> kProfiles{{
    {SrtpProfile::aes128_cm_sha1_80, "SRTP_AES128_CM_SHA1_80", 0x0001, {16, 14}},
    {SrtpProfile::aes128_cm_sha1_32, "SRTP_AES128_CM_SHA1_32", 0x0002, {16, 14}},
    {SrtpProfile::aead_aes_128_gcm, "SRTP_AEAD_AES_128_GCM", 0x0007, {16, 12}},
    {SrtpProfile::aead_aes_256_gcm, "SRTP_AEAD_AES_256_GCM", 0x0008, {32, 12}},
}};

const ProfileInfo& info(SrtpProfile profile) {
    for (const auto& p : kProfiles) {
        if (p.profile == profile) return p;
    }
    return kProfiles[0];  // unreachable: every enumerator is in the table
}

}  // namespace

std::optional<SrtpProfile> srtp_profile_from_name(std::string_view openssl_name) {
    for (const auto& p : kProfiles) {
        if (p.name == openssl_name) return p.profile;
    }
    return std::nullopt;
}

std::string_view srtp_profile_name(SrtpProfile profile) { return info(profile).name; }

std::optional<SrtpProfile> srtp_profile_from_id(unsigned long id) {
    for (const auto& p : kProfiles) {
        if (p.id == id) return p.profile;
    }
    return std::nullopt;
}

unsigned long srtp_profile_id(SrtpProfile profile) { return info(profile).id; }

SrtpMasterLengths srtp_master_lengths(SrtpProfile profile) { return info(profile).lengths; }

}  // namespace swiftcall::janus
