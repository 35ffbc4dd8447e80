#include "srtp_profile.h"

#include <iterator>

namespace swiftcall::janus {
namespace {

struct ProfileInfo {
    SrtpProfile profile;
    std::string_view name;
    unsigned long id;
    SrtpMasterLengths lengths;
};

constexpr ProfileInfo kProfiles[] = {
#define SC_PROFILE_ROW(name, id, openssl_name, key, salt, tag, aead) \
    {static_cast<SrtpProfile>(id), openssl_name, id, {key, salt}},
    SC_SRTP_PROFILES(SC_PROFILE_ROW)
#undef SC_PROFILE_ROW
};
static_assert(std::size(kProfiles) == 4, "SrtpProfile names every row of SC_SRTP_PROFILES");

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
