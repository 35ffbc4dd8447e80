#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "janus/srtp_key_split.h"

using namespace swiftcall::janus;
using Bytes = std::vector<std::uint8_t>;

namespace {

// Exporter output laid out as RFC 5764 §4.2 says, each part a recognisable
// run: client key 0x10.., server key 0x40.., client salt 0xa0.., server salt 0xc0..
Bytes run(std::uint8_t first, std::size_t n) {
    Bytes out(n);
    for (std::size_t i = 0; i < n; i++) out[i] = static_cast<std::uint8_t>(first + i);
    return out;
}

Bytes material(std::size_t key, std::size_t salt) {
    Bytes out;
    for (const Bytes& part : {run(0x10, key), run(0x40, key), run(0xa0, salt), run(0xc0, salt)})
        out.insert(out.end(), part.begin(), part.end());
    return out;
}

}  // namespace

TEST_CASE("as DTLS client Janus sends with the client write key and salt", "[srtp]") {
    const Bytes m = material(16, 14);
    REQUIRE(m.size() == srtp_keying_material_length(SrtpProfile::aes128_cm_sha1_80));
    auto keys = split_srtp_keying_material(SrtpProfile::aes128_cm_sha1_80, m, DtlsRole::client);
    REQUIRE(keys);
    CHECK(keys->local_key == Bytes{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
                                   0x1b, 0x1c, 0x1d, 0x1e, 0x1f});
    CHECK(keys->remote_key == Bytes{0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
                                    0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f});
    CHECK(keys->local_salt == Bytes{0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9,
                                    0xaa, 0xab, 0xac, 0xad});
    CHECK(keys->remote_salt == Bytes{0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
                                     0xca, 0xcb, 0xcc, 0xcd});
}

TEST_CASE("as DTLS server Janus sends with the server write key and salt", "[srtp]") {
    const Bytes m = material(16, 14);
    auto keys = split_srtp_keying_material(SrtpProfile::aes128_cm_sha1_32, m, DtlsRole::server);
    REQUIRE(keys);
    CHECK(keys->local_key == run(0x40, 16));
    CHECK(keys->local_salt == run(0xc0, 14));
    CHECK(keys->remote_key == run(0x10, 16));
    CHECK(keys->remote_salt == run(0xa0, 14));
}

TEST_CASE("AES-128-GCM splits 16-byte keys and 12-byte salts", "[srtp]") {
    const Bytes m = material(16, 12);
    REQUIRE(m.size() == 56);
    auto keys = split_srtp_keying_material(SrtpProfile::aead_aes_128_gcm, m, DtlsRole::client);
    REQUIRE(keys);
    CHECK(keys->local_key == run(0x10, 16));
    CHECK(keys->remote_key == run(0x40, 16));
    CHECK(keys->local_salt == run(0xa0, 12));
    CHECK(keys->remote_salt == run(0xc0, 12));
}

TEST_CASE("AES-256-GCM splits 32-byte keys and 12-byte salts", "[srtp]") {
    const Bytes m = material(32, 12);
    REQUIRE(m.size() == 88);
    REQUIRE(m.size() == srtp_keying_material_length(SrtpProfile::aead_aes_256_gcm));
    auto keys = split_srtp_keying_material(SrtpProfile::aead_aes_256_gcm, m, DtlsRole::server);
    REQUIRE(keys);
    CHECK(keys->local_key == run(0x40, 32));
    CHECK(keys->remote_key == run(0x10, 32));
    CHECK(keys->local_salt == run(0xc0, 12));
    CHECK(keys->remote_salt == run(0xa0, 12));
}

TEST_CASE("the two roles of one handshake get mirrored keys", "[srtp]") {
    const Bytes m = material(16, 14);
    auto client = split_srtp_keying_material(SrtpProfile::aes128_cm_sha1_80, m, DtlsRole::client);
    auto server = split_srtp_keying_material(SrtpProfile::aes128_cm_sha1_80, m, DtlsRole::server);
    REQUIRE(client);
    REQUIRE(server);
    CHECK(client->local_key == server->remote_key);
    CHECK(client->local_salt == server->remote_salt);
    CHECK(client->remote_key == server->local_key);
    CHECK(client->remote_salt == server->local_salt);
}

TEST_CASE("keying material of the wrong length for the profile is refused", "[srtp]") {
    std::string why;
    const Bytes cm = material(16, 14);  // 60 bytes: not a GCM-256 export
    CHECK_FALSE(
        split_srtp_keying_material(SrtpProfile::aead_aes_256_gcm, cm, DtlsRole::client, &why));
    CHECK(why.find("SRTP_AEAD_AES_256_GCM needs 88") != std::string::npos);
    CHECK_FALSE(
        split_srtp_keying_material(SrtpProfile::aes128_cm_sha1_80, Bytes{}, DtlsRole::server));
}
