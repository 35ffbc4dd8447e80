#include "datapath/srtp_keys.h"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <memory>

#include "datapath/aes_tables.h"
#include "datapath/ghash_table.h"

namespace swiftcall::datapath {

SrtpProfileInfo srtp_profile_info(uint16_t profile) {
    switch (profile) {
        case SC_PROFILE_AES128_CM_SHA1_80:
            return {profile, 16, 14, 10, false};
        case SC_PROFILE_AES128_CM_SHA1_32:
            return {profile, 16, 14, 4, false};
        case SC_PROFILE_AEAD_AES_128_GCM:
            return {profile, 16, 12, 16, true};
        case SC_PROFILE_AEAD_AES_256_GCM:
            return {profile, 32, 12, 16, true};
        default:
            throw std::invalid_argument("unsupported SRTP profile");
    }
}

std::vector<uint8_t> srtp_kdf(const SrtpMaster& m, uint8_t label, size_t len) {
    const auto info = srtp_profile_info(m.profile);
    if (m.key.size() != info.master_key_len || m.salt.size() != info.master_salt_len)
        throw std::invalid_argument("SRTP master key/salt size does not match the profile");
    // GCM's 96-bit master salt enters the 112-bit PRF input zero-padded
    // on the right, as libsrtp does.
    std::array<uint8_t, 16> iv{};
    std::memcpy(iv.data(), m.salt.data(), m.salt.size());
    iv[7] ^= label;
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    const EVP_CIPHER* cipher = m.key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
    std::vector<uint8_t> zeros(len, 0), out(len + 16);
    int n = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, m.key.data(), iv.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), out.data(), &n, zeros.data(), static_cast<int>(len)) != 1)
        throw std::runtime_error("OpenSSL AES-CTR failed in SRTP KDF");
    out.resize(len);
    return out;
}

void sha1_compress(uint32_t h[5], const uint8_t block[64]) {
    auto rol = [](uint32_t x, int n) { return (x << n) | (x >> (32 - n)); };
    uint32_t w[80];
    for (int i = 0; i < 16; ++i)
        w[i] = (uint32_t{block[4 * i]} << 24) | (uint32_t{block[4 * i + 1]} << 16) |
               (uint32_t{block[4 * i + 2]} << 8) | block[4 * i + 3];
    for (int i = 16; i < 80; ++i) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; ++i) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        uint32_t t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

namespace {

// SRTP KDF labels (RFC 3711 §4.3.1).
constexpr uint8_t kLabelEncryption = 0;
constexpr uint8_t kLabelAuth = 1;
constexpr uint8_t kLabelSalt = 2;

void hmac_pad_state(const std::vector<uint8_t>& auth_key, uint8_t pad, uint32_t out[5]) {
    uint8_t block[64];
    std::memset(block, pad, sizeof block);
    for (size_t i = 0; i < auth_key.size(); ++i) block[i] ^= auth_key[i];
    uint32_t h[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    sha1_compress(h, block);
    std::memcpy(out, h, sizeof h);
}

}  // namespace

sc_srtp_key make_kernel_key(const SrtpMaster& m) {
    const auto info = srtp_profile_info(m.profile);
    sc_srtp_key k{};
    k.profile = info.profile;
    k.tag_len = static_cast<uint32_t>(info.tag_len);
    const auto enc = srtp_kdf(m, kLabelEncryption, info.master_key_len);
    const auto salt = srtp_kdf(m, kLabelSalt, info.master_salt_len);
    const auto rk = aes_expand_key(enc);
    k.rounds = rk.size() == 44 ? 10 : 14;
    std::memcpy(k.rk, rk.data(), rk.size() * sizeof(uint32_t));
    std::memcpy(k.salt, salt.data(), salt.size());
    if (info.gcm) {
        const std::array<uint8_t, 16> zero{};
        fill_ghash_table(aes_encrypt_block(rk, zero), k.ghash);
    } else {
        const auto auth = srtp_kdf(m, kLabelAuth, 20);
        hmac_pad_state(auth, 0x36, k.ipad);
        hmac_pad_state(auth, 0x5c, k.opad);
    }
    return k;
}

}  // namespace swiftcall::datapath
