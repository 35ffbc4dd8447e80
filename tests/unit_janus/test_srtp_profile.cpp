#include <catch2/catch.hpp>

#include "janus/srtp_profile.h"

using namespace swiftcall::janus;

TEST_CASE("every profile Debian's Janus offers maps to a supported profile", "[srtp]") {
    // dtls.c's use_srtp list in a HAVE_SRTP_AESGCM build (FIELD-NOTES).
    const char* offered[] = {"SRTP_AEAD_AES_256_GCM", "SRTP_AEAD_AES_128_GCM",
                             "SRTP_AES128_CM_SHA1_80", "SRTP_AES128_CM_SHA1_32"};
    for (const char* name : offered) {
        INFO(name);
        auto profile = srtp_profile_from_name(name);
        REQUIRE(profile);
        CHECK(srtp_profile_name(*profile) == name);
        CHECK(srtp_profile_from_id(srtp_profile_id(*profile)) == profile);
    }
}

TEST_CASE("profile ids are the IANA DTLS-SRTP protection profile numbers", "[srtp]") {
    CHECK(srtp_profile_from_id(0x0001) == SrtpProfile::aes128_cm_sha1_80);
    CHECK(srtp_profile_from_id(0x0002) == SrtpProfile::aes128_cm_sha1_32);
    CHECK(srtp_profile_from_id(0x0007) == SrtpProfile::aead_aes_128_gcm);
    CHECK(srtp_profile_from_id(0x0008) == SrtpProfile::aead_aes_256_gcm);
}

TEST_CASE("profiles the kernel cannot serve are not recognised", "[srtp]") {
    CHECK_FALSE(srtp_profile_from_name("SRTP_NULL_SHA1_80"));
    CHECK_FALSE(srtp_profile_from_name("SRTP_ARIA_128_CTR_HMAC_SHA1_80"));
    CHECK_FALSE(srtp_profile_from_name(""));
    CHECK_FALSE(srtp_profile_from_id(0x0005));  // SRTP_NULL_HMAC_SHA1_80
    CHECK_FALSE(srtp_profile_from_id(0));
}

TEST_CASE("master key and salt lengths follow RFC 3711 and RFC 7714", "[srtp]") {
    auto cm80 = srtp_master_lengths(SrtpProfile::aes128_cm_sha1_80);
    auto cm32 = srtp_master_lengths(SrtpProfile::aes128_cm_sha1_32);
    auto gcm128 = srtp_master_lengths(SrtpProfile::aead_aes_128_gcm);
    auto gcm256 = srtp_master_lengths(SrtpProfile::aead_aes_256_gcm);
    CHECK((cm80.key == 16 && cm80.salt == 14));
    CHECK((cm32.key == 16 && cm32.salt == 14));
    CHECK((gcm128.key == 16 && gcm128.salt == 12));
    CHECK((gcm256.key == 32 && gcm256.salt == 12));
}
