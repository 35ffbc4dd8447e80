// Pure user-space logic of the datapath, no BPF: the tables and key
// schedule the program relies on, and the map values the loader writes.
#include <arpa/inet.h>
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>

#include "datapath/aes_tables.h"
#include "datapath/kernel_datapath.h"
#include "datapath/keystream.h"

namespace dp = swiftcall::datapath;

namespace {

std::array<uint8_t, 16> openssl_ecb(const std::vector<uint8_t>& key,
                                    const std::array<uint8_t, 16>& in) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    std::array<uint8_t, 32> out{};
    int n = 0;
    EVP_EncryptInit_ex(ctx, key.size() == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb(), nullptr,
                       key.data(), nullptr);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    EVP_EncryptUpdate(ctx, out.data(), &n, in.data(), 16);
    EVP_CIPHER_CTX_free(ctx);
    std::array<uint8_t, 16> r{};
    std::memcpy(r.data(), out.data(), 16);
    return r;
}

}  // namespace

TEST_CASE("the program's AES tables and key schedule agree with OpenSSL", "[bpf][pure]") {
    for (size_t key_len : {size_t(16), size_t(32)}) {
        std::vector<uint8_t> key(key_len);
        for (size_t i = 0; i < key_len; ++i) key[i] = uint8_t(i * 11 + 3);
        const auto rk = dp::aes_expand_key(key);
        for (int b = 0; b < 8; ++b) {
            std::array<uint8_t, 16> in{};
            for (int i = 0; i < 16; ++i) in[i] = uint8_t(b * 29 + i * 7);
            CHECK(dp::aes_encrypt_block(rk, in) == openssl_ecb(key, in));
        }
    }
}

TEST_CASE("unsupported profiles and wrong key sizes are refused", "[bpf][pure]") {
    CHECK_THROWS_AS(dp::srtp_profile_info(0x0005), std::invalid_argument);
    dp::SrtpMaster m;
    m.profile = SC_PROFILE_AEAD_AES_256_GCM;
    m.key.assign(16, 1);  // GCM-256 needs 32
    m.salt.assign(12, 2);
    CHECK_THROWS(dp::make_kernel_key(m));
}

TEST_CASE("a leg becomes a map value in wire byte order", "[bpf][pure]") {
    dp::LegParams l;
    l.ifindex = 7;
    l.tuple.saddr = {127, 0, 1, 1};
    l.tuple.daddr = {127, 0, 1, 2};
    l.tuple.sport = 5000;
    l.tuple.dport = 6000;
    l.ssrc = 0x11223344;
    l.index_delta = (1ULL << 50) + 5;  // reduced mod 2^48
    l.out.profile = SC_PROFILE_AES128_CM_SHA1_80;
    l.out.key.assign(16, 9);
    l.out.salt.assign(14, 8);
    const auto v = dp::make_leg_value(l);
    CHECK(v.enabled == 1);
    CHECK(v.sport == htons(5000));
    CHECK(v.dport == htons(6000));
    CHECK(v.saddr[0] == 127);
    CHECK(v.daddr[3] == 2);
    CHECK(v.index_delta == 5);
    CHECK(v.out.rounds == 10);
    CHECK(v.out.tag_len == 10);
}

TEST_CASE("forwarded window: a slot vouches only for the index it holds", "[bpf][pure]") {
    dp::ForwardedWindow w;
    w.highest_index = 5000;
    w.slots.assign(SC_FWD_WINDOW_BITS, 0);
    w.slots[5000 % SC_FWD_WINDOW_BITS] = 5000 + 1;
    w.slots[4000 % SC_FWD_WINDOW_BITS] = 4000 + 1;
    CHECK(w.forwarded(5000));
    CHECK(w.forwarded(4000));
    CHECK_FALSE(w.forwarded(4001));         // slot never written
    CHECK_FALSE(w.forwarded(5000 - 1024));  // same slot, another index
    CHECK_FALSE(w.forwarded(5000 + 1024));
    CHECK_FALSE(w.forwarded(0));  // slot 0 holds 0: not "index 0 + 1"
    CHECK_FALSE(dp::ForwardedWindow{}.forwarded(5000));
}

TEST_CASE("a user-space keystream is the AES-CM keystream of RFC 3711", "[bpf][pure]") {
    dp::SrtpMaster m;
    m.profile = SC_PROFILE_AES128_CM_SHA1_80;
    for (int i = 0; i < 16; ++i) m.key.push_back(uint8_t(i));
    for (int i = 0; i < 14; ++i) m.salt.push_back(uint8_t(0xa0 + i));
    dp::KeystreamMaker maker(m);
    auto ks = std::make_unique<sc_keystream>();
    maker.fill(0x01020304, 0x123456789aULL, *ks);
    // Block 1 = AES(session key, IV + 1): recompute it with the program's tables.
    const auto k = dp::make_kernel_key(m);
    std::vector<uint32_t> rk(k.rk, k.rk + 44);
    std::array<uint8_t, 16> iv{};
    std::memcpy(iv.data(), k.salt, 14);
    const uint8_t ssrc[4] = {1, 2, 3, 4};
    for (int i = 0; i < 4; ++i) iv[4 + i] ^= ssrc[i];
    const uint64_t index = 0x123456789aULL;
    for (int i = 0; i < 6; ++i) iv[8 + i] ^= uint8_t(index >> (40 - 8 * i));
    iv[15] = 1;
    const auto block1 = dp::aes_encrypt_block(rk, iv);
    CHECK(std::memcmp(ks->ks + 16, block1.data(), 16) == 0);
    CHECK(ks->index == index);
}
